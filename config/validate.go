package config

import "errors"

// Validate checks every setting on its own and then the rules that tie
// settings together. It reports all problems at once (joined *Errors), so a
// user fixes a broken file in one pass.
func (c *Config) Validate() error {
	var errs []error
	for _, s := range settings {
		if s.check == nil {
			continue
		}
		if err := s.check(c); err != nil {
			errs = append(errs, err)
		}
	}
	for _, rule := range crossRules {
		if err := rule(c); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// crossRules are the checks that involve more than one setting.
var crossRules = []func(c *Config) error{
	func(c *Config) error {
		return pair("DEALSCOUT_EBAY_CLIENT_ID", c.EbayClientID != "", "DEALSCOUT_EBAY_CLIENT_SECRET", c.EbayClientSecret.IsSet(), "to use the ebay source")
	},
	func(c *Config) error {
		return pair("DEALSCOUT_SMTP_USERNAME", c.SMTPUsername != "", "DEALSCOUT_SMTP_PASSWORD", c.SMTPPassword.IsSet(), "to log in to the SMTP server")
	},
	func(c *Config) error {
		return pair("DEALSCOUT_TWILIO_ACCOUNT_SID", c.TwilioAccountSID != "", "DEALSCOUT_TWILIO_AUTH_TOKEN", c.TwilioAuthToken.IsSet(), "to send SMS")
	},
	func(c *Config) error {
		return needs("DEALSCOUT_SMTP_HOST", c.SMTPHost != "", "DEALSCOUT_SMTP_FROM", c.SMTPFrom != "", "the sender of alert emails")
	},
	func(c *Config) error {
		return needs("DEALSCOUT_TWILIO_ACCOUNT_SID", c.TwilioAccountSID != "", "DEALSCOUT_TWILIO_FROM", c.TwilioFrom != "", "the number SMS alerts come from")
	},
	func(c *Config) error {
		if c.PollTimeout < c.HTTPTimeout {
			return invalid("DEALSCOUT_POLL_TIMEOUT", "(%s) must be at least DEALSCOUT_HTTP_TIMEOUT (%s), or no request could finish within a poll",
				shortDuration(c.PollTimeout), shortDuration(c.HTTPTimeout))
		}
		return nil
	},
}

// pair requires two settings to be set together or not at all.
func pair(a string, hasA bool, b string, hasB bool, purpose string) error {
	switch {
	case hasA && !hasB:
		return invalid(a, "is set but %s is not; set both %s, or neither", b, purpose)
	case hasB && !hasA:
		return invalid(b, "is set but %s is not; set both %s, or neither", a, purpose)
	}
	return nil
}

// needs requires b whenever a is set.
func needs(a string, hasA bool, b string, hasB bool, what string) error {
	if hasA && !hasB {
		return invalid(b, "must be set when %s is: it is %s", a, what)
	}
	return nil
}

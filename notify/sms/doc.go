// Package sms sends alerts as text messages through Twilio's Messages API.
// It owns the SMS body: one GSM-7 segment (160 characters) where possible,
// 70 when the text needs Unicode, because every extra segment is billed.
package sms

package cmd

import (
	"github.com/spf13/cobra"
)

// setupCompletion replaces cobra's default `completion` command with one
// that writes to the run's stdout (cobra's binds os.Stdout when it is
// created) and refuses an unknown shell with exit 2 instead of printing help.
func setupCompletion(root *cobra.Command) {
	root.CompletionOptions.DisableDefaultCmd = true
	c := &cobra.Command{
		Use:   "completion bash|zsh|fish|powershell",
		Short: "Print a shell completion script",
		Long: `completion prints a script that completes dealscout's commands, flags and watch names in your shell.

  bash:       dealscout completion bash | sudo tee /etc/bash_completion.d/dealscout
              (or, for this shell only: source <(dealscout completion bash))
  zsh:        dealscout completion zsh > "${fpath[1]}/_dealscout"   (needs compinit)
  fish:       dealscout completion fish > ~/.config/fish/completions/dealscout.fish
  powershell: dealscout completion powershell | Out-String | Invoke-Expression`,
		Args:      cobra.ExactArgs(1),
		ValidArgs: []string{"bash", "zsh", "fish", "powershell"},
		RunE: func(cmd *cobra.Command, args []string) error {
			out := cmd.OutOrStdout()
			switch args[0] {
			case "bash":
				return root.GenBashCompletionV2(out, true)
			case "zsh":
				return root.GenZshCompletion(out)
			case "fish":
				return root.GenFishCompletion(out, true)
			case "powershell":
				return root.GenPowerShellCompletionWithDesc(out)
			}
			return usageError("completion: unknown shell %q; use bash, zsh, fish or powershell", args[0])
		},
	}
	// Completion must work before any settings exist, so it skips loading them.
	c.PersistentPreRunE = func(*cobra.Command, []string) error { return nil }
	root.AddCommand(c)
}

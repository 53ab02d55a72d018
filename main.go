// Command dealscout watches marketplaces for deals. See README.md.
package main

import "github.com/dealscout/dealscout/cmd"

func main() { cmd.Execute() }

// Package file is the file:PATH source and the decoder of dealscout's import
// schema: a JSON array, or JSON lines, of listings shaped like the original
// Deal Scout's fixture files, so those load as they are.
//
// It owns reading and validating such files. It must not filter listings for
// a watch (the poll pipeline does that) or touch the store.
package file

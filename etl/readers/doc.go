// Package readers turns source files into rows of strings: format
// detection, gzip, text encodings, CSV dialect sniffing and quoting repair,
// JSON Lines, and the reasons a row is rejected. It reads from an
// io.Reader and knows nothing of stages, storage, Arrow or publishing.
package readers

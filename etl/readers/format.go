package readers

import (
	"bufio"
	"bytes"
	"io"
	"path"
	"strings"
)

// Format decides an object's format from the config, its name and,
// when the name says nothing, its first bytes (decompressed and decoded):
// with head nil it returns "" for a name that says nothing.
func Format(configured, key string, head []byte) string {
	if configured != "" && configured != "auto" {
		return configured
	}
	name := strings.ToLower(key)
	for _, ext := range []string{".gz", ".gzip"} {
		name = strings.TrimSuffix(name, ext)
	}
	switch path.Ext(name) {
	case ".csv", ".tsv", ".txt", ".psv":
		return "csv"
	case ".jsonl", ".ndjson", ".json":
		return "jsonl"
	case ".parquet", ".pq":
		return "parquet"
	}
	if head == nil {
		return "" // unknown until the content is sniffed
	}
	if len(head) >= 4 && string(head[:4]) == "PAR1" {
		return "parquet"
	}
	for _, b := range head {
		switch b {
		case ' ', '\t', '\r', '\n':
			continue
		case '{':
			return "jsonl"
		}
		break
	}
	return "csv"
}

// ContentFormat decides an object's format for an "auto" source from its
// content where its name is wrong: a ".parquet" object without the Parquet
// magic is read as text, and a ".csv" one whose text starts with "{" as
// JSON lines. named is the format its name gives ("" for none).
func ContentFormat(configured, named string, head []byte) string {
	if configured != "" && configured != "auto" {
		return configured
	}
	sniffed := Format("auto", "", head)
	if named == "" || named == "parquet" || sniffed == "jsonl" {
		return sniffed
	}
	return named
}

// OpenText decodes an object's decompressed bytes in encoding enc and
// decides its text format (csv or jsonl) from the first bytes where its
// name is wrong (see ContentFormat). The reader replays those bytes.
func OpenText(in io.Reader, enc, configured, named string) (*bufio.Reader, string, error) {
	text, _, err := DecodeText(in, enc)
	if err != nil {
		return nil, "", err
	}
	br := bufio.NewReaderSize(text, 64<<10)
	head, _ := br.Peek(512)
	return br, ContentFormat(configured, named, bytes.TrimLeft(head, " \t\r\n")), nil
}

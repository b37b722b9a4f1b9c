package score

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

type tokKind int

const (
	tEOF tokKind = iota
	tIdent
	tString
	tNumber
	tLParen
	tRParen
	tLBrack
	tRBrack
	tComma
	tEq
	tNe
	tLt
	tLe
	tGt
	tGe
	// keywords
	tAnd
	tOr
	tNot
	tIn
	tContains
	tStartsWith
	tIs
	tNull
	tTrue
	tFalse
)

var keywords = map[string]tokKind{
	"and": tAnd, "or": tOr, "not": tNot, "in": tIn, "contains": tContains,
	"startswith": tStartsWith, "is": tIs, "null": tNull, "true": tTrue, "false": tFalse,
}

type token struct {
	kind tokKind
	pos  int // 1-based character position, as users count
	text string
	str  string  // decoded string literal
	num  float64 // number literal
}

// ExprError is a syntax or type error in an expression; Pos is the 1-based
// character position of the offending token.
type ExprError struct {
	Kind string // "syntax" or "type"
	Pos  int
	Msg  string
}

func (e *ExprError) Error() string {
	return fmt.Sprintf("%s error at position %d: %s", e.Kind, e.Pos, e.Msg)
}

func syntaxErr(pos int, format string, args ...any) *ExprError {
	return &ExprError{Kind: "syntax", Pos: pos, Msg: fmt.Sprintf(format, args...)}
}

func typeErr(pos int, format string, args ...any) *ExprError {
	return &ExprError{Kind: "type", Pos: pos, Msg: fmt.Sprintf(format, args...)}
}

// lex splits src into tokens. Positions count characters (runes), not bytes,
// so a caret under a non-ASCII literal still lines up.
func lex(src string) ([]token, error) {
	var toks []token
	col := 0 // runes consumed so far
	i := 0
	for i < len(src) {
		c := src[i]
		start := col + 1
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
			col++
			continue
		case c == '(' || c == ')' || c == '[' || c == ']' || c == ',':
			k := map[byte]tokKind{'(': tLParen, ')': tRParen, '[': tLBrack, ']': tRBrack, ',': tComma}[c]
			toks = append(toks, token{kind: k, pos: start, text: string(c)})
			i++
			col++
			continue
		case c == '=' || c == '!' || c == '<' || c == '>':
			two := i+1 < len(src) && src[i+1] == '='
			var k tokKind
			switch {
			case c == '=' && two:
				k = tEq
			case c == '!' && two:
				k = tNe
			case c == '<':
				k = tLt
				if two {
					k = tLe
				}
			case c == '>':
				k = tGt
				if two {
					k = tGe
				}
			default:
				return nil, syntaxErr(start, "unexpected %q (did you mean %q?)", string(c), string(c)+"=")
			}
			n := 1
			if two {
				n = 2
			}
			toks = append(toks, token{kind: k, pos: start, text: src[i : i+n]})
			i += n
			col += n
			continue
		case c == '"':
			s, n, err := lexString(src[i:], start)
			if err != nil {
				return nil, err
			}
			toks = append(toks, token{kind: tString, pos: start, text: src[i : i+n], str: s})
			col += utf8.RuneCountInString(src[i : i+n])
			i += n
			continue
		case isDigit(c) || ((c == '-' || c == '+' || c == '.') && i+1 < len(src) && (isDigit(src[i+1]) || src[i+1] == '.')):
			j := i + 1
			for j < len(src) && (isDigit(src[j]) || src[j] == '.' || src[j] == 'e' || src[j] == 'E' ||
				((src[j] == '-' || src[j] == '+') && (src[j-1] == 'e' || src[j-1] == 'E'))) {
				j++
			}
			f, err := strconv.ParseFloat(src[i:j], 64)
			if err != nil {
				return nil, syntaxErr(start, "malformed number %q", src[i:j])
			}
			toks = append(toks, token{kind: tNumber, pos: start, text: src[i:j], num: f})
			col += j - i
			i = j
			continue
		case isIdentStart(c):
			j := i + 1
			for j < len(src) && isIdentPart(src[j]) {
				j++
			}
			word := src[i:j]
			k, ok := keywords[word]
			if !ok {
				k = tIdent
			}
			toks = append(toks, token{kind: k, pos: start, text: word})
			col += j - i
			i = j
			continue
		}
		r, _ := utf8.DecodeRuneInString(src[i:])
		return nil, syntaxErr(start, "unexpected character %q", r)
	}
	toks = append(toks, token{kind: tEOF, pos: col + 1})
	return toks, nil
}

// lexString decodes a double-quoted literal at the start of s, returning the
// value and the number of bytes consumed.
func lexString(s string, pos int) (string, int, error) {
	var b strings.Builder
	i := 1
	for i < len(s) {
		c := s[i]
		switch c {
		case '"':
			return b.String(), i + 1, nil
		case '\\':
			if i+1 >= len(s) {
				return "", 0, syntaxErr(pos, "unterminated string")
			}
			switch e := s[i+1]; e {
			case '"', '\\', '/':
				b.WriteByte(e)
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case 'r':
				b.WriteByte('\r')
			case 'u':
				if i+6 > len(s) {
					return "", 0, syntaxErr(pos, `malformed \u escape in string`)
				}
				v, err := strconv.ParseUint(s[i+2:i+6], 16, 32)
				if err != nil {
					return "", 0, syntaxErr(pos, `malformed \u escape in string`)
				}
				b.WriteRune(rune(v))
				i += 4
			default:
				return "", 0, syntaxErr(pos, "unknown escape \\%c in string", e)
			}
			i += 2
		default:
			b.WriteByte(c)
			i++
		}
	}
	return "", 0, syntaxErr(pos, "unterminated string")
}

func isDigit(c byte) bool      { return c >= '0' && c <= '9' }
func isIdentStart(c byte) bool { return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') }
func isIdentPart(c byte) bool  { return isIdentStart(c) || isDigit(c) || c == '.' }

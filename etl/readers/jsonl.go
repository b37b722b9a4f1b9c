package readers

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
)

// MaxJSONLine bounds one JSON line; a longer one is rejected unread.
const MaxJSONLine = 8 << 20

// ReadLine returns the next line without its end; err is io.EOF with the
// last line when the input ends. A line longer than max is read to its end
// but reported as tooLong with only its first max bytes.
func ReadLine(br *bufio.Reader, max int) (line []byte, tooLong bool, err error) {
	var buf []byte
	for {
		chunk, err := br.ReadSlice('\n')
		if len(buf)+len(chunk) <= max {
			buf = append(buf, chunk...)
		} else {
			if !tooLong {
				buf = append(buf, chunk[:max-len(buf)]...)
			}
			tooLong = true
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		return bytes.TrimRight(buf, "\r\n"), tooLong, err
	}
}

// ParseJSONObject decodes one line into string values: numbers keep their
// text, nested values become compact JSON, null becomes absent.
func ParseJSONObject(line []byte, maxField int) (map[string]string, string) {
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			return nil, "not_an_object: a JSON line must hold one object"
		}
		return nil, "invalid_json: " + err.Error()
	}
	if dec.More() {
		return nil, "invalid_json: more than one value on the line"
	}
	if m == nil {
		return nil, "not_an_object: a JSON line must hold one object"
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		var s string
		switch x := v.(type) {
		case nil:
			continue
		case string:
			s = x
		case json.Number:
			s = x.String()
		case bool:
			s = strconv.FormatBool(x)
		default:
			data, _ := json.Marshal(x)
			s = string(data)
		}
		if len(s) > maxField {
			return nil, fmt.Sprintf("field_too_large: key %q is %d bytes, limit %d", k, len(s), maxField)
		}
		out[k] = s
	}
	return out, ""
}

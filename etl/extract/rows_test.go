package extract

import (
	"strings"
	"testing"

	"github.com/leadsmith/leadsmith/etl/columnar"
)

func TestNewRowLayout_MappingAutoMatchAndPassthrough(t *testing.T) {
	header := []string{"Contact ID", "First Name", "EMAIL", "source", "Email Address", "Notes"}
	l := newRowLayout(header, map[string]string{"record_id": "contact id", "email": "Email Address"}, columnar.CanonicalColumns)
	idx := func(c string) int {
		for i, n := range columnar.CanonicalColumns {
			if n == c {
				return l.fromIdx[i]
			}
		}
		return -2
	}
	if idx("record_id") != 0 || idx("first_name") != 1 || idx("email") != 4 || idx("source") != -1 {
		t.Errorf("layout = %v", l.fromIdx)
	}
	if strings.Join(l.pass, ",") != "EMAIL_original,source_original,Notes" {
		t.Errorf("passthrough = %v", l.pass)
	}
}

package normalize

import (
	"strings"
	"testing"
)

func TestEmail_NormDomainTypeAndMatchKey(t *testing.T) {
	cases := []struct {
		raw, norm, domain, typ, key string
	}{
		{"jane.doe@acme.com", "jane.doe@acme.com", "acme.com", "corporate", "jane.doe@acme.com"},
		{"  Jane.Doe@ACME.com ", "jane.doe@acme.com", "acme.com", "corporate", "jane.doe@acme.com"},
		{"mailto:jane@acme.com", "jane@acme.com", "acme.com", "corporate", "jane@acme.com"},
		{"MAILTO:jane@acme.com?subject=Hi", "jane@acme.com", "acme.com", "corporate", "jane@acme.com"},
		{"<jane@acme.com>", "jane@acme.com", "acme.com", "corporate", "jane@acme.com"},
		{"Jane Doe <Jane@Acme.com>", "jane@acme.com", "acme.com", "corporate", "jane@acme.com"},
		{"jane@eu.mail.acme.co.uk", "jane@eu.mail.acme.co.uk", "acme.co.uk", "corporate", "jane@eu.mail.acme.co.uk"},
		{"j.smith+crm@acme.de", "j.smith+crm@acme.de", "acme.de", "corporate", "j.smith+crm@acme.de"},
		{"o'brien@acme.ie", "o'brien@acme.ie", "acme.ie", "corporate", "o'brien@acme.ie"},
		{"jane@acme.com.", "jane@acme.com", "acme.com", "corporate", "jane@acme.com"},
		{"jane@xn--bcher-kva.de", "jane@xn--bcher-kva.de", "xn--bcher-kva.de", "corporate", "jane@xn--bcher-kva.de"},
		{"Jane.Doe+news@gmail.com", "jane.doe+news@gmail.com", "gmail.com", "free", "janedoe@gmail.com"},
		{"j.a.n.e@googlemail.com", "j.a.n.e@googlemail.com", "googlemail.com", "free", "jane@gmail.com"},
		{"jane+x@outlook.com", "jane+x@outlook.com", "outlook.com", "free", "jane@outlook.com"},
		{"jane.doe+x@hotmail.com", "jane.doe+x@hotmail.com", "hotmail.com", "free", "jane.doe@hotmail.com"},
		{"jane+a@icloud.com", "jane+a@icloud.com", "icloud.com", "free", "jane@icloud.com"},
		{"jane+a@proton.me", "jane+a@proton.me", "proton.me", "free", "jane@proton.me"},
		{"jane+a@fastmail.com", "jane+a@fastmail.com", "fastmail.com", "free", "jane@fastmail.com"},
		{"jane.doe+a@yahoo.com", "jane.doe+a@yahoo.com", "yahoo.com", "free", "jane.doe+a@yahoo.com"},
		{"jane@yahoo.co.uk", "jane@yahoo.co.uk", "yahoo.co.uk", "free", "jane@yahoo.co.uk"},
		{"jane@yahoo.fr", "jane@yahoo.fr", "yahoo.fr", "free", "jane@yahoo.fr"},
		{"hans@gmx.de", "hans@gmx.de", "gmx.de", "free", "hans@gmx.de"},
		{"hans@gmx.at", "hans@gmx.at", "gmx.at", "free", "hans@gmx.at"},
		{"hans@web.de", "hans@web.de", "web.de", "free", "hans@web.de"},
		{"hans@t-online.de", "hans@t-online.de", "t-online.de", "free", "hans@t-online.de"},
		{"ivan@mail.ru", "ivan@mail.ru", "mail.ru", "free", "ivan@mail.ru"},
		{"li@qq.com", "li@qq.com", "qq.com", "free", "li@qq.com"},
		{"li@163.com", "li@163.com", "163.com", "free", "li@163.com"},
		{"kim@naver.com", "kim@naver.com", "naver.com", "free", "kim@naver.com"},
		{"marie@orange.fr", "marie@orange.fr", "orange.fr", "free", "marie@orange.fr"},
		{"marco@libero.it", "marco@libero.it", "libero.it", "free", "marco@libero.it"},
		{"bob@aol.com", "bob@aol.com", "aol.com", "free", "bob@aol.com"},
		{"info@acme.com", "info@acme.com", "acme.com", "role", "info@acme.com"},
		{"Sales@Acme.com", "sales@acme.com", "acme.com", "role", "sales@acme.com"},
		{"no-reply@acme.com", "no-reply@acme.com", "acme.com", "role", "no-reply@acme.com"},
		{"no_reply@acme.com", "no_reply@acme.com", "acme.com", "role", "no_reply@acme.com"},
		{"support+eu@acme.com", "support+eu@acme.com", "acme.com", "role", "support+eu@acme.com"},
		{"info@gmail.com", "info@gmail.com", "gmail.com", "role", "info@gmail.com"},
		{"hello@startup.io", "hello@startup.io", "startup.io", "role", "hello@startup.io"},
		{"x7k2@mailinator.com", "x7k2@mailinator.com", "mailinator.com", "disposable", "x7k2@mailinator.com"},
		{"info@yopmail.com", "info@yopmail.com", "yopmail.com", "disposable", "info@yopmail.com"},
		{"a@10minutemail.com", "a@10minutemail.com", "10minutemail.com", "disposable", "a@10minutemail.com"},
		{"a@guerrillamail.com", "a@guerrillamail.com", "guerrillamail.com", "disposable", "a@guerrillamail.com"},
		{"a@tempmail.com", "a@tempmail.com", "tempmail.com", "disposable", "a@tempmail.com"},
		{"jane@infoacme.com", "jane@infoacme.com", "infoacme.com", "corporate", "jane@infoacme.com"},
		{"jane@mygmail.com", "jane@mygmail.com", "mygmail.com", "corporate", "jane@mygmail.com"},
	}
	for _, c := range cases {
		got := Email(c.raw)
		want := EmailResult{Norm: c.norm, Domain: c.domain, Type: c.typ, MatchKey: c.key, OK: true}
		if got != want {
			t.Errorf("Email(%q) =\n  %+v, want\n  %+v", c.raw, got, want)
		}
	}
}

func TestEmail_InvalidSyntax(t *testing.T) {
	for _, raw := range []string{
		"jane", "jane@", "@acme.com", "jane@acme", "jane@@acme.com", "jane@acme@x.com", "jane doe@acme.com",
		".jane@acme.com", "jane.@acme.com", "ja..ne@acme.com", "jane@-acme.com", "jane@acme-.com",
		"jane@acme..com", "jane@acme.local", "jane@intranet.corp", "jane@co.uk", "jane@192.168.0.1",
		"jane@acmé.com", "jane@acme.c_m", "\"jane\"@acme.com", "jane@[10.0.0.1]",
		strings.Repeat("a", 65) + "@acme.com", "jane@" + strings.Repeat("a", 64) + ".com", "jane(at)acme.com",
		"jane@acme.com, bob@acme.com",
	} {
		got := Email(raw)
		if got.OK || got.Empty || got.Type != "invalid" || got.Norm != "" {
			t.Errorf("Email(%q) = %+v, want invalid", raw, got)
		}
	}
}

func TestEmail_NullTokensAreEmpty(t *testing.T) {
	for _, raw := range []string{"", " ", "N/A", "none", "-", "null"} {
		if got := Email(raw); !got.Empty || got.OK || got.Type != "" {
			t.Errorf("Email(%q) = %+v, want Empty", raw, got)
		}
	}
}

func BenchmarkEmail(b *testing.B) {
	inputs := []string{"Jane.Doe+news@gmail.com", "jane.doe@acme.co.uk", "info@acme.com", "mailto:x@mailinator.com"}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		Email(inputs[i%len(inputs)])
	}
}

func FuzzEmail(f *testing.F) {
	for _, s := range []string{"jane@acme.com", "Jane <j+x@gmail.com>", "mailto:a@b.co.uk?x", "a@@b", "a@co.uk"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r := Email(s)
		if r.OK {
			if r.Type == "invalid" || r.Domain == "" || !strings.HasSuffix(r.Norm, r.Domain) || strings.Count(r.Norm, "@") != 1 {
				t.Fatalf("Email(%q) = %+v", s, r)
			}
			// normalizing is idempotent
			if again := Email(r.Norm); again != r {
				t.Fatalf("Email(%q) = %+v, Email(Norm) = %+v", s, r, again)
			}
		}
	})
}

// Internationalized local parts (RFC 6531) are valid addresses, one
// address whatever the Unicode composition; a stray symbol still is not.
func TestEmail_InternationalLocalParts(t *testing.T) {
	cases := []struct {
		raw, norm string
		ok        bool
	}{
		{"Müller@Firma.de", "müller@firma.de", true},
		{"mu\u0308ller@firma.de", "müller@firma.de", true},
		{"kovač@example.hr", "kovač@example.hr", true},
		{"josé.garcía@empresa.es", "josé.garcía@empresa.es", true},
		{"名前@example.jp", "名前@example.jp", true},
		{"jo→e@example.com", "", false},
		{"bad@@x.com", "", false},
	}
	for _, c := range cases {
		got := Email(c.raw)
		if got.OK != c.ok || got.Norm != c.norm {
			t.Errorf("Email(%q) = %+v, want ok=%v norm %q", c.raw, got, c.ok, c.norm)
		}
		if c.ok && got.Type != EmailCorporate {
			t.Errorf("Email(%q) type %s, want corporate", c.raw, got.Type)
		}
	}
}

package normalize

import "testing"

func TestDomain_FromWebsiteElseCorporateEmail(t *testing.T) {
	cases := []struct{ website, emailDomain, emailType, want string }{
		{"https://www.Acme.co.uk/about", "", "", "acme.co.uk"},
		{"acme.com", "", "", "acme.com"},
		{"www.acme.com:8080", "", "", "acme.com"},
		{"http://shop.eu.acme.de/path?q=1#x", "", "", "acme.de"},
		{"HTTPS://ACME.COM/", "", "", "acme.com"},
		{"//acme.io", "", "", "acme.io"},
		{"acme.com/contact", "", "", "acme.com"},
		{"www.acme.com.", "", "", "acme.com"},
		{"https://user:pw@acme.org:443/x", "", "", "acme.org"},
		{"info@acme.net", "", "", "acme.net"},
		{"https://bücher.de", "", "", "xn--bcher-kva.de"},
		{"acme.com.au", "", "", "acme.com.au"},
		{"https://acme.github.io", "", "", "acme.github.io"},
		{"", "acme.com", "corporate", "acme.com"},
		{"N/A", "mail.acme.co.uk", "corporate", "acme.co.uk"},
		{"https://www.acme.com", "other.com", "corporate", "acme.com"},
		{"https://linkedin.com/company/acme", "acme.com", "corporate", "acme.com"},
		{"facebook.com/acme", "", "", ""},
		{"", "gmail.com", "free", ""},
		{"", "acme.com", "role", ""},
		{"", "mailinator.com", "disposable", ""},
		{"", "", "", ""},
		{"not a website", "", "", ""},
		{"http://192.168.1.1/", "", "", ""},
		{"intranet.local", "", "", ""},
		{"localhost", "", "", ""},
		{"co.uk", "", "", ""},
		{"-", "acme..com", "corporate", ""},
	}
	for _, c := range cases {
		if got := Domain(c.website, c.emailDomain, c.emailType); got != c.want {
			t.Errorf("Domain(%q, %q, %q) = %q, want %q", c.website, c.emailDomain, c.emailType, got, c.want)
		}
	}
}

func BenchmarkDomain(b *testing.B) {
	inputs := []string{"https://www.Acme.co.uk/about", "acme.com", "www.acme.com:8080", ""}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		Domain(inputs[i%len(inputs)], "acme.com", "corporate")
	}
}

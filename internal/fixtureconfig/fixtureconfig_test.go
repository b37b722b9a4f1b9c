package fixtureconfig

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/leadsmith/leadsmith/fixtures"
	"gopkg.in/yaml.v3"
)

// TestWrite_EnrichReadsTheAccountFiles pins the enrich section: one
// account source per reference file, in priority order, mapping the
// canonical account columns to the files' headers.
func TestWrite_EnrichReadsTheAccountFiles(t *testing.T) {
	dir := t.TempDir()
	if err := Write(dir, fixtures.Sources(), fixtures.ActivitiesSpec(), "# test\n"); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "leadsmith.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(data), "# test\n") {
		t.Errorf("header comment lost:\n%s", data)
	}
	type src struct {
		Name     string            `yaml:"name"`
		URI      string            `yaml:"uri"`
		Glob     string            `yaml:"glob"`
		Format   string            `yaml:"format"`
		Priority int               `yaml:"priority"`
		Columns  map[string]string `yaml:"columns"`
	}
	var cfg struct {
		Sources []src `yaml:"sources"`
		Enrich  struct {
			Accounts []src `yaml:"accounts"`
		} `yaml:"enrich"`
		Score yaml.Node `yaml:"score"`
	}
	if err := yaml.Unmarshal(data, &cfg); err != nil {
		t.Fatal(err)
	}
	want := []src{
		{Name: "crm_accounts", URI: ".", Glob: "accounts/crm_accounts.csv", Format: "csv", Priority: 1, Columns: map[string]string{
			"account_id": "Account ID", "name": "Account Name", "domain": "Website", "industry": "Industry", "employees": "Employees",
			"revenue": "Annual Revenue", "country": "Billing Country", "state": "Billing State", "parent_account_id": "Parent Account ID",
			"owner": "Account Owner", "tier": "Tier"}},
		{Name: "firmographics", URI: ".", Glob: "accounts/firmographics.csv", Format: "csv", Priority: 2, Columns: map[string]string{
			"account_id": "Vendor ID", "name": "Company Name", "domain": "Domain", "other_domains": "Other Domains", "industry": "Industry",
			"employees": "Employee Range", "revenue": "Revenue", "country": "Country", "state": "State"}},
	}
	if !reflect.DeepEqual(cfg.Enrich.Accounts, want) {
		t.Errorf("enrich.accounts = %+v\nwant %+v", cfg.Enrich.Accounts, want)
	}
	if len(cfg.Sources) != 4 || cfg.Score.Kind == 0 {
		t.Errorf("sources %d, score section present %v", len(cfg.Sources), cfg.Score.Kind != 0)
	}
	for _, s := range cfg.Sources {
		if strings.HasPrefix(s.Glob, "accounts/") || strings.HasPrefix(s.Glob, "**") {
			t.Errorf("source %s glob %s may read the account files", s.Name, s.Glob)
		}
	}
}

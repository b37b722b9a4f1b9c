package stages

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

// The domain packages compute from the values they are given, the run's
// as-of included: none may read the wall clock, or a re-run of a date
// would depend on when it ran.
func TestDomainPackagesNeverReadTheWallClock(t *testing.T) {
	fset := token.NewFileSet()
	checked := 0
	for _, root := range []string{"normalize", "dedupe", "score"} {
		dir := filepath.Join("..", "..", root)
		err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
				return err
			}
			f, err := parser.ParseFile(fset, p, nil, 0)
			if err != nil {
				return err
			}
			checked++
			ast.Inspect(f, func(n ast.Node) bool {
				sel, ok := n.(*ast.SelectorExpr)
				if !ok {
					return true
				}
				if id, ok := sel.X.(*ast.Ident); ok && id.Name == "time" {
					switch sel.Sel.Name {
					case "Now", "Since", "Until", "Tick", "After", "NewTimer", "NewTicker", "AfterFunc":
						t.Errorf("%s: time.%s reads the wall clock", fset.Position(sel.Pos()), sel.Sel.Name)
					}
				}
				return true
			})
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if checked < 30 {
		t.Fatalf("checked only %d files: the walk missed the domain packages", checked)
	}
}

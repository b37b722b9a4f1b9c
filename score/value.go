package score

import (
	"fmt"
	"strings"
	"time"
)

// ColumnKind is the type of a column as the expression compiler sees it.
type ColumnKind int

// The column kinds; int64 and float64 columns are both Number.
const (
	String ColumnKind = iota
	Number
	Bool
	Time
)

func (k ColumnKind) String() string {
	switch k {
	case String:
		return "string"
	case Number:
		return "number"
	case Bool:
		return "bool"
	case Time:
		return "time"
	}
	return fmt.Sprintf("kind(%d)", int(k))
}

// Column names one column of the rows handed to a Model.
type Column struct {
	Name string
	Kind ColumnKind
}

// Value is one cell. Only the field matching the column's kind is read;
// Null marks an unknown value (the data contract's null), whatever the kind.
type Value struct {
	Str  string
	Num  float64
	Time time.Time
	Bool bool
	Null bool
}

// Row is one entity, indexed like the []Column given to Compile.
type Row []Value

// Str, Num, BoolVal, TimeVal and Null build Values; they keep tests and
// callers short.
func Str(s string) Value        { return Value{Str: s} }
func Num(f float64) Value       { return Value{Num: f} }
func BoolVal(b bool) Value      { return Value{Bool: b} }
func TimeVal(t time.Time) Value { return Value{Time: t} }

// Null is the unknown value.
var Null = Value{Null: true}

// truthy decides a bare column used as a condition: source systems export
// flags as strings ("true", "Yes", "1"), so strings are read the way a person
// would read them.
func truthy(v Value, k ColumnKind) bool {
	if v.Null {
		return false
	}
	switch k {
	case Bool:
		return v.Bool
	case Number:
		return v.Num != 0
	case Time:
		return !v.Time.IsZero()
	}
	switch strings.ToLower(strings.TrimSpace(v.Str)) {
	case "true", "t", "yes", "y", "1":
		return true
	}
	return false
}

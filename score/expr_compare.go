package score

import (
	"strings"
	"time"
)

// coerce makes a literal fit the other side's kind where that is lossless
// (a time written as a string); it reports a type error otherwise.
func coerce(lit *typedOperand, want ColumnKind, col typedOperand, opText string) error {
	if lit.null {
		return typeErr(lit.tok.pos, "a comparison with null is always false: use \"is null\" or \"is not null\"")
	}
	if lit.kind == want {
		return nil
	}
	if want == Time && lit.kind == String {
		for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02"} {
			if t, err := time.Parse(layout, lit.val.Str); err == nil {
				lit.kind, lit.val = Time, Value{Time: t}
				return nil
			}
		}
		return typeErr(lit.tok.pos, "%s is not a time (want RFC 3339 or YYYY-MM-DD) for %s column %s", lit.tok.text, want, col.tok.text)
	}
	return typeErr(lit.tok.pos, "cannot %s %s column %s with %s %s", verb(opText), want, col.tok.text, lit.kind, lit.tok.text)
}

func verb(op string) string {
	switch op {
	case "in", "not":
		return "match"
	case "contains", "startswith":
		return "search"
	}
	return "compare"
}

func (r *resolver) ordinalRank(col typedOperand, lit typedOperand) (int, error) {
	rank, ok := r.ordinals[col.ordinal][lit.val.Str]
	if !ok {
		return 0, typeErr(lit.tok.pos, "%s is not a value of the ordered column %s (see score.ordinals.%s)", lit.tok.text, col.ordinal, col.ordinal)
	}
	return rank, nil
}

func flip(op tokKind) tokKind {
	switch op {
	case tLt:
		return tGt
	case tLe:
		return tGe
	case tGt:
		return tLt
	case tGe:
		return tLe
	}
	return op
}

// cmpResult maps a three-way comparison to the operator's answer; c == 2
// means unordered (NaN), which only != holds for.
func cmpResult(op tokKind, c int) bool {
	if c == 2 {
		return op == tNe
	}
	switch op {
	case tEq:
		return c == 0
	case tNe:
		return c != 0
	case tLt:
		return c < 0
	case tLe:
		return c <= 0
	case tGt:
		return c > 0
	case tGe:
		return c >= 0
	}
	return false
}

func cmpNum(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	case a == b:
		return 0
	}
	return 2 // NaN: unordered, every operator but != is false
}

func (r *resolver) compileCmp(n nCmp) (pred, error) {
	l, err := r.operand(n.l)
	if err != nil {
		return nil, err
	}
	rt, err := r.operand(n.r)
	if err != nil {
		return nil, err
	}
	op := n.op.kind
	if l.lit && !rt.lit { // keep the column on the left
		l, rt, op = rt, l, flip(op)
	}
	ordered := op != tEq && op != tNe
	switch {
	case l.lit && rt.lit:
		if l.null || rt.null {
			return nil, typeErr(n.op.pos, "a comparison with null is always false: use \"is null\" or \"is not null\"")
		}
		if l.kind != rt.kind {
			return nil, typeErr(n.op.pos, "cannot compare %s %s with %s %s", l.kind, l.tok.text, rt.kind, rt.tok.text)
		}
		return constPred(cmpResult(op, compareValues(&l.val, &rt.val, l.kind))), nil
	case rt.lit:
		if err := coerce(&rt, l.kind, l, n.op.text); err != nil {
			return nil, err
		}
		if ordered && l.kind == Bool {
			return nil, typeErr(n.op.pos, "%q does not apply to bool column %s", n.op.text, l.tok.text)
		}
		get := l.get
		if ordered && l.ordinal != "" {
			want, err := r.ordinalRank(l, rt)
			if err != nil {
				return nil, err
			}
			table := r.ordinals[l.ordinal]
			return func(e *env) bool {
				v := get(e)
				if v.Null {
					return false
				}
				have, ok := table[v.Str]
				return ok && cmpResult(op, cmpNum(float64(have), float64(want)))
			}, nil
		}
		lit, kind := rt.val, l.kind
		if kind == String && op == tEq {
			s := lit.Str
			return func(e *env) bool { v := get(e); return !v.Null && v.Str == s }, nil
		}
		return func(e *env) bool {
			v := get(e)
			return !v.Null && cmpResult(op, compareValues(v, &lit, kind))
		}, nil
	}
	if l.kind != rt.kind {
		return nil, typeErr(n.op.pos, "cannot compare %s column %s with %s column %s", l.kind, l.tok.text, rt.kind, rt.tok.text)
	}
	if ordered && l.kind == Bool {
		return nil, typeErr(n.op.pos, "%q does not apply to bool columns", n.op.text)
	}
	lg, rg, kind := l.get, rt.get, l.kind
	if ordered && l.ordinal != "" && l.ordinal == rt.ordinal {
		table := r.ordinals[l.ordinal]
		return func(e *env) bool {
			a, b := lg(e), rg(e)
			if a.Null || b.Null {
				return false
			}
			x, ok1 := table[a.Str]
			y, ok2 := table[b.Str]
			return ok1 && ok2 && cmpResult(op, cmpNum(float64(x), float64(y)))
		}, nil
	}
	return func(e *env) bool {
		a, b := lg(e), rg(e)
		return !a.Null && !b.Null && cmpResult(op, compareValues(a, b, kind))
	}, nil
}

func compareValues(a, b *Value, k ColumnKind) int {
	switch k {
	case Number:
		return cmpNum(a.Num, b.Num)
	case Bool:
		if a.Bool == b.Bool {
			return 0
		}
		if !a.Bool {
			return -1
		}
		return 1
	case Time:
		return a.Time.Compare(b.Time)
	}
	return strings.Compare(a.Str, b.Str)
}

func (r *resolver) compileIn(n nIn) (pred, error) {
	l, err := r.operand(n.l)
	if err != nil {
		return nil, err
	}
	if l.lit {
		return nil, typeErr(l.tok.pos, "the left of %q must be a column, found %s", n.op.text, l.tok.text)
	}
	vals := make([]Value, 0, len(n.list))
	for _, o := range n.list {
		lit, err := r.operand(o)
		if err != nil {
			return nil, err
		}
		if !lit.lit {
			return nil, typeErr(lit.tok.pos, "list items must be values, found column %s", lit.tok.text)
		}
		if err := coerce(&lit, l.kind, l, n.op.text); err != nil {
			return nil, err
		}
		vals = append(vals, lit.val)
	}
	get, kind, neg := l.get, l.kind, n.neg
	if kind == String {
		set := make(map[string]struct{}, len(vals))
		strs := make([]string, 0, len(vals))
		for _, v := range vals {
			set[v.Str] = struct{}{}
			strs = append(strs, v.Str)
		}
		// Short lists are faster scanned than hashed.
		if len(strs) <= 6 {
			return func(e *env) bool {
				v := get(e)
				if v.Null {
					return false
				}
				for _, s := range strs {
					if s == v.Str {
						return !neg
					}
				}
				return neg
			}, nil
		}
		return func(e *env) bool {
			v := get(e)
			if v.Null {
				return false
			}
			_, ok := set[v.Str]
			return ok != neg
		}, nil
	}
	return func(e *env) bool {
		v := get(e)
		if v.Null {
			return false
		}
		for i := range vals {
			if compareValues(v, &vals[i], kind) == 0 {
				return !neg
			}
		}
		return neg
	}, nil
}

func (r *resolver) compileMatch(n nMatch) (pred, error) {
	l, err := r.operand(n.l)
	if err != nil {
		return nil, err
	}
	rt, err := r.operand(n.r)
	if err != nil {
		return nil, err
	}
	for _, o := range []typedOperand{l, rt} {
		if o.null {
			return nil, typeErr(o.tok.pos, "a comparison with null is always false: use \"is null\" or \"is not null\"")
		}
		if o.kind != String {
			return nil, typeErr(o.tok.pos, "%q needs strings, %s is %s", n.op.text, o.tok.text, o.kind)
		}
	}
	match := strings.Contains
	if n.op.kind == tStartsWith {
		match = strings.HasPrefix
	}
	lg, rg := l.get, rt.get
	if l.lit {
		s := l.val.Str
		lv := Value{Str: s}
		lg = func(*env) *Value { return &lv }
	}
	if rt.lit {
		s := rt.val.Str
		return func(e *env) bool { v := lg(e); return !v.Null && match(v.Str, s) }, nil
	}
	return func(e *env) bool {
		a, b := lg(e), rg(e)
		return !a.Null && !b.Null && match(a.Str, b.Str)
	}, nil
}

package score

import "fmt"

// env is what a compiled expression reads: the entity's row and the fields
// computed for it so far (indexed by virtual slot).
type env struct {
	row Row
	ext *[numVirtual]Value
}

// pred is a compiled condition.
type pred func(e *env) bool

var nullValue = Value{Null: true}

// getter returns a pointer so 56-byte Values are never copied per call.
type getter func(e *env) *Value

// resolver maps column names to getters; stage limits which computed fields
// an expression may read, because they are computed in order.
type resolver struct {
	cols     map[string]int
	kinds    []ColumnKind
	stage    int
	ordinals map[string]map[string]int
}

type typedOperand struct {
	get     getter
	kind    ColumnKind
	lit     bool   // a literal, known at compile time
	null    bool   // the null literal
	val     Value  // the literal's value
	ordinal string // column name when the column is an ordered enumeration
	tok     token
}

func (r *resolver) operand(o operand) (typedOperand, error) {
	t := o.tok
	switch t.kind {
	case tString:
		v := Value{Str: t.str}
		return typedOperand{kind: String, lit: true, val: v, tok: t}, nil
	case tNumber:
		return typedOperand{kind: Number, lit: true, val: Value{Num: t.num}, tok: t}, nil
	case tTrue, tFalse:
		return typedOperand{kind: Bool, lit: true, val: Value{Bool: t.kind == tTrue}, tok: t}, nil
	case tNull:
		return typedOperand{lit: true, null: true, val: nullValue, tok: t}, nil
	}
	name := t.text
	// Computed fields win over same-named columns: a row that carries last
	// run's lead_rank must not make this run's rules read stale values.
	if vf, ok := virtualByName[name]; ok {
		if vf.stage >= r.stage {
			return typedOperand{}, &ExprError{Kind: "name", Pos: t.pos,
				Msg: fmt.Sprintf("%s is not computed yet at this point (order: fit, engagement, rank, funnel_stage, is_mql, segment, queue, routing)", name)}
		}
		slot := vf.slot
		op := typedOperand{kind: vf.kind, tok: t, get: func(e *env) *Value { return &e.ext[slot] }}
		if _, ok := r.ordinals[name]; ok && vf.kind == String {
			op.ordinal = name
		}
		return op, nil
	}
	i, ok := r.cols[name]
	if !ok {
		return typedOperand{}, &ExprError{Kind: "name", Pos: t.pos, Msg: fmt.Sprintf("unknown column %q", name)}
	}
	op := typedOperand{kind: r.kinds[i], tok: t, get: func(e *env) *Value {
		if i < len(e.row) {
			return &e.row[i]
		}
		return &nullValue
	}}
	if _, ok := r.ordinals[name]; ok && op.kind == String {
		op.ordinal = name
	}
	return op, nil
}

func constPred(b bool) pred {
	if b {
		return func(*env) bool { return true }
	}
	return func(*env) bool { return false }
}

// compile turns an AST into a closure, checking types where kinds are known.
func (r *resolver) compile(n node) (pred, error) {
	switch n := n.(type) {
	case nOr:
		l, err := r.compile(n.l)
		if err != nil {
			return nil, err
		}
		rr, err := r.compile(n.r)
		if err != nil {
			return nil, err
		}
		return func(e *env) bool { return l(e) || rr(e) }, nil
	case nAnd:
		l, err := r.compile(n.l)
		if err != nil {
			return nil, err
		}
		rr, err := r.compile(n.r)
		if err != nil {
			return nil, err
		}
		return func(e *env) bool { return l(e) && rr(e) }, nil
	case nNot:
		x, err := r.compile(n.x)
		if err != nil {
			return nil, err
		}
		return func(e *env) bool { return !x(e) }, nil
	case nTruth:
		o, err := r.operand(n.x)
		if err != nil {
			return nil, err
		}
		if o.lit {
			if o.kind != Bool || o.null {
				return nil, typeErr(o.tok.pos, "%s is a value, not a condition (compare it with a column)", o.tok.text)
			}
			return constPred(o.val.Bool), nil
		}
		get, kind := o.get, o.kind
		return func(e *env) bool { return truthy(*get(e), kind) }, nil
	case nIsNull:
		o, err := r.operand(n.x)
		if err != nil {
			return nil, err
		}
		if o.lit {
			return constPred(o.null != n.neg), nil
		}
		get, neg := o.get, n.neg
		return func(e *env) bool { return get(e).Null != neg }, nil
	case nMatch:
		return r.compileMatch(n)
	case nCmp:
		return r.compileCmp(n)
	case nIn:
		return r.compileIn(n)
	}
	return nil, fmt.Errorf("internal: unknown node %T", n)
}

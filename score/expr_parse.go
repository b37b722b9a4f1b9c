package score

import "fmt"

// The grammar, loosest binding first:
//
//	expr       = and { "or" and }
//	and        = unary { "and" unary }
//	unary      = "not" unary | "(" expr ")" | comparison
//	comparison = operand [ cmpop operand | ["not"] "in" list
//	                     | ("contains" | "startswith") operand
//	                     | "is" ["not"] "null" ]
//	list       = "[" [ operand { "," operand } ] "]"
//	operand    = column | string | number | "true" | "false" | "null"
//
// A bare operand is a condition on its own (`is_customer`): a flag column or
// true/false.

type node interface{ position() int }

type operand struct {
	tok token // tIdent, tString, tNumber, tTrue, tFalse or tNull
}

func (o operand) position() int { return o.tok.pos }

type (
	nOr  struct{ l, r node }
	nAnd struct{ l, r node }
	nNot struct{ x node }
	nCmp struct {
		op   token
		l, r operand
	}
	nIn struct {
		neg  bool
		op   token
		l    operand
		list []operand
	}
	nMatch struct { // contains, startswith
		op   token
		l, r operand
	}
	nIsNull struct {
		neg bool
		x   operand
	}
	nTruth struct{ x operand }
)

func (n nOr) position() int     { return n.l.position() }
func (n nAnd) position() int    { return n.l.position() }
func (n nNot) position() int    { return n.x.position() }
func (n nCmp) position() int    { return n.op.pos }
func (n nIn) position() int     { return n.op.pos }
func (n nMatch) position() int  { return n.op.pos }
func (n nIsNull) position() int { return n.x.position() }
func (n nTruth) position() int  { return n.x.position() }

// maxDepth bounds nesting so a hostile expression cannot exhaust the stack.
const maxDepth = 200

type parser struct {
	toks  []token
	i     int
	depth int
}

// parseExpr parses src into an AST; errors are *ExprError with a position.
func parseExpr(src string) (node, error) {
	toks, err := lex(src)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks}
	if p.peek().kind == tEOF {
		return nil, syntaxErr(p.peek().pos, "empty expression")
	}
	n, err := p.parseOr()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tEOF {
		return nil, syntaxErr(t.pos, "expected \"and\", \"or\" or end of expression, found %s", describe(t))
	}
	return n, nil
}

func (p *parser) peek() token { return p.toks[p.i] }

func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tEOF {
		p.i++
	}
	return t
}

func describe(t token) string {
	if t.kind == tEOF {
		return "end of expression"
	}
	return fmt.Sprintf("%q", t.text)
}

func (p *parser) parseOr() (node, error) {
	l, err := p.parseAnd()
	if err != nil {
		return nil, err
	}
	for p.peek().kind == tOr {
		op := p.next()
		if p.peek().kind == tEOF {
			return nil, syntaxErr(p.peek().pos, "expected condition after %q", op.text)
		}
		r, err := p.parseAnd()
		if err != nil {
			return nil, err
		}
		l = nOr{l, r}
	}
	return l, nil
}

func (p *parser) parseAnd() (node, error) {
	l, err := p.parseUnary()
	if err != nil {
		return nil, err
	}
	for p.peek().kind == tAnd {
		op := p.next()
		if p.peek().kind == tEOF {
			return nil, syntaxErr(p.peek().pos, "expected condition after %q", op.text)
		}
		r, err := p.parseUnary()
		if err != nil {
			return nil, err
		}
		l = nAnd{l, r}
	}
	return l, nil
}

func (p *parser) parseUnary() (node, error) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxDepth {
		return nil, syntaxErr(p.peek().pos, "expression nested deeper than %d", maxDepth)
	}
	switch t := p.peek(); t.kind {
	case tNot:
		p.next()
		if p.peek().kind == tEOF {
			return nil, syntaxErr(p.peek().pos, `expected condition after "not"`)
		}
		x, err := p.parseUnary()
		if err != nil {
			return nil, err
		}
		return nNot{x}, nil
	case tLParen:
		p.next()
		x, err := p.parseOr()
		if err != nil {
			return nil, err
		}
		if c := p.peek(); c.kind != tRParen {
			return nil, syntaxErr(c.pos, "expected \")\" to close \"(\" at position %d, found %s", t.pos, describe(c))
		}
		p.next()
		return x, nil
	}
	return p.parseComparison()
}

func (p *parser) parseOperand(after token) (operand, error) {
	t := p.peek()
	switch t.kind {
	case tIdent, tString, tNumber, tTrue, tFalse, tNull:
		p.next()
		return operand{tok: t}, nil
	}
	if after.kind == tEOF { // start of a condition
		return operand{}, syntaxErr(t.pos, "expected a column name or value, found %s", describe(t))
	}
	return operand{}, syntaxErr(t.pos, "expected value after %q", after.text)
}

func (p *parser) parseComparison() (node, error) {
	l, err := p.parseOperand(token{kind: tEOF})
	if err != nil {
		return nil, err
	}
	switch op := p.peek(); op.kind {
	case tEq, tNe, tLt, tLe, tGt, tGe:
		p.next()
		r, err := p.parseOperand(op)
		if err != nil {
			return nil, err
		}
		return nCmp{op: op, l: l, r: r}, nil
	case tContains, tStartsWith:
		p.next()
		r, err := p.parseOperand(op)
		if err != nil {
			return nil, err
		}
		return nMatch{op: op, l: l, r: r}, nil
	case tIn:
		p.next()
		list, err := p.parseList(op)
		if err != nil {
			return nil, err
		}
		return nIn{op: op, l: l, list: list}, nil
	case tNot:
		p.next()
		if in := p.peek(); in.kind != tIn {
			return nil, syntaxErr(in.pos, "expected \"in\" after \"not\", found %s", describe(in))
		}
		in := p.next()
		list, err := p.parseList(in)
		if err != nil {
			return nil, err
		}
		return nIn{neg: true, op: op, l: l, list: list}, nil
	case tIs:
		p.next()
		neg := false
		if p.peek().kind == tNot {
			p.next()
			neg = true
		}
		if n := p.peek(); n.kind != tNull {
			return nil, syntaxErr(n.pos, "expected \"null\" after \"is\", found %s", describe(n))
		}
		p.next()
		return nIsNull{neg: neg, x: l}, nil
	}
	return nTruth{x: l}, nil
}

func (p *parser) parseList(in token) ([]operand, error) {
	open := p.peek()
	if open.kind != tLBrack {
		return nil, syntaxErr(open.pos, "expected \"[\" after %q, found %s", in.text, describe(open))
	}
	p.next()
	var list []operand
	if p.peek().kind == tRBrack {
		p.next()
		return list, nil
	}
	prev := open
	for {
		o, err := p.parseOperand(prev)
		if err != nil {
			return nil, err
		}
		list = append(list, o)
		switch t := p.next(); t.kind {
		case tComma:
			prev = t
		case tRBrack:
			return list, nil
		default:
			return nil, syntaxErr(t.pos, "expected \",\" or \"]\" in list, found %s", describe(t))
		}
	}
}

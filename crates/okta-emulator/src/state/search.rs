//! The SCIM-like expressions of `search` and `filter` on `/api/v1/users` and `/api/v1/groups`:
//! `eq sw co pr gt ge lt le`, `and`, `or` and parentheses. Attribute names are case-sensitive;
//! operators and string values are not.

use crate::error::ApiError;
use chrono::DateTime;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Sw,
    Co,
    Gt,
    Ge,
    Lt,
    Le,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    Str(String),
    Num(f64),
    Bool(bool),
    Null,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Present(String),
    Compare(String, Op, Literal),
}

/// A value an attribute has on a resource, as the evaluator sees it.
#[derive(Debug, Clone, PartialEq)]
pub enum AttrValue<'a> {
    Str(&'a str),
    Owned(String),
    Date(String),
    Num(f64),
    Bool(bool),
}

impl Expr {
    pub fn parse(input: &str) -> Result<Expr, ApiError> {
        let tokens = tokenize(input)?;
        let mut parser = Parser { tokens, pos: 0 };
        let expr = parser.or()?;
        if parser.pos != parser.tokens.len() {
            return Err(ApiError::InvalidSearch);
        }
        Ok(expr)
    }

    /// Calls `f` for every comparison, to check attributes and operators against what an
    /// endpoint allows.
    pub fn visit(
        &self,
        f: &mut impl FnMut(&str, Option<Op>) -> Result<(), ApiError>,
    ) -> Result<(), ApiError> {
        match self {
            Expr::And(a, b) | Expr::Or(a, b) => {
                a.visit(f)?;
                b.visit(f)
            }
            Expr::Present(attr) => f(attr, None),
            Expr::Compare(attr, op, _) => f(attr, Some(*op)),
        }
    }

    /// Whether the resource matches; `get` yields an attribute's value by name.
    pub fn matches<'a>(&self, get: &impl Fn(&str) -> Option<AttrValue<'a>>) -> bool {
        match self {
            Expr::And(a, b) => a.matches(get) && b.matches(get),
            Expr::Or(a, b) => a.matches(get) || b.matches(get),
            Expr::Present(attr) => get(attr).is_some(),
            Expr::Compare(attr, op, lit) => match get(attr) {
                Some(value) => compare(&value, *op, lit),
                None => matches!(lit, Literal::Null) && *op == Op::Eq,
            },
        }
    }

    /// The logins a query asks for when it is exactly `profile.login eq "..."`, or such terms
    /// joined by `or` (a client looking many logins up at once), so the store can use its
    /// index instead of a scan.
    pub fn exact_logins(&self) -> Option<Vec<&str>> {
        match self {
            Expr::Compare(attr, Op::Eq, Literal::Str(s)) if attr == "profile.login" => {
                Some(vec![s])
            }
            Expr::Or(a, b) => {
                let mut logins = a.exact_logins()?;
                logins.extend(b.exact_logins()?);
                Some(logins)
            }
            _ => None,
        }
    }
}

/// Whether an attribute's value stands in `op` to the literal: what `matches` asks of each
/// comparison (strings without regard to case).
pub fn compare(value: &AttrValue<'_>, op: Op, lit: &Literal) -> bool {
    use std::cmp::Ordering;
    let ordering: Option<Ordering> = match (value, lit) {
        (AttrValue::Date(d), Literal::Str(s)) => {
            let parse = |t: &str| DateTime::parse_from_rfc3339(t).ok();
            match (parse(d), parse(s)) {
                (Some(a), Some(b)) => Some(a.cmp(&b)),
                _ => None,
            }
        }
        (AttrValue::Str(_) | AttrValue::Owned(_), Literal::Str(s)) => {
            let v = match value {
                AttrValue::Str(v) => v.to_lowercase(),
                AttrValue::Owned(v) => v.to_lowercase(),
                _ => unreachable!("matched above"),
            };
            let s = s.to_lowercase();
            return match op {
                Op::Sw => v.starts_with(&s),
                Op::Co => v.contains(&s),
                _ => ordered(op, v.cmp(&s)),
            };
        }
        (AttrValue::Num(a), Literal::Num(b)) => a.partial_cmp(b),
        (AttrValue::Bool(a), Literal::Bool(b)) => Some(a.cmp(b)),
        _ => None,
    };
    match (op, ordering) {
        (Op::Sw | Op::Co, _) | (_, None) => false,
        (op, Some(o)) => ordered(op, o),
    }
}

fn ordered(op: Op, o: std::cmp::Ordering) -> bool {
    use std::cmp::Ordering::*;
    match op {
        Op::Eq => o == Equal,
        Op::Gt => o == Greater,
        Op::Ge => o != Less,
        Op::Lt => o == Less,
        Op::Le => o != Greater,
        Op::Sw | Op::Co => false,
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Word(String),
    Str(String),
    Open,
    Close,
}

fn tokenize(input: &str) -> Result<Vec<Token>, ApiError> {
    let mut tokens = Vec::new();
    let mut chars = input.chars().peekable();
    while let Some(&c) = chars.peek() {
        match c {
            c if c.is_whitespace() => {
                chars.next();
            }
            '(' => {
                chars.next();
                tokens.push(Token::Open);
            }
            ')' => {
                chars.next();
                tokens.push(Token::Close);
            }
            '"' => {
                chars.next();
                let mut s = String::new();
                loop {
                    match chars.next() {
                        None => return Err(ApiError::InvalidSearch),
                        Some('"') => break,
                        Some('\\') => s.push(chars.next().ok_or(ApiError::InvalidSearch)?),
                        Some(c) => s.push(c),
                    }
                }
                tokens.push(Token::Str(s));
            }
            _ => {
                let mut w = String::new();
                while let Some(&c) = chars.peek() {
                    if c.is_whitespace() || c == '(' || c == ')' || c == '"' {
                        break;
                    }
                    w.push(c);
                    chars.next();
                }
                tokens.push(Token::Word(w));
            }
        }
    }
    Ok(tokens)
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
}

impl Parser {
    fn next(&mut self) -> Option<Token> {
        let t = self.tokens.get(self.pos).cloned();
        self.pos += 1;
        t
    }

    fn peek_keyword(&self, kw: &str) -> bool {
        matches!(self.tokens.get(self.pos), Some(Token::Word(w)) if w.eq_ignore_ascii_case(kw))
    }

    fn or(&mut self) -> Result<Expr, ApiError> {
        let mut left = self.and()?;
        while self.peek_keyword("or") {
            self.pos += 1;
            left = Expr::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Expr, ApiError> {
        let mut left = self.factor()?;
        while self.peek_keyword("and") {
            self.pos += 1;
            left = Expr::And(Box::new(left), Box::new(self.factor()?));
        }
        Ok(left)
    }

    fn factor(&mut self) -> Result<Expr, ApiError> {
        match self.next() {
            Some(Token::Open) => {
                let e = self.or()?;
                match self.next() {
                    Some(Token::Close) => Ok(e),
                    _ => Err(ApiError::InvalidSearch),
                }
            }
            Some(Token::Word(attr)) => {
                let Some(Token::Word(op)) = self.next() else {
                    return Err(ApiError::InvalidSearch);
                };
                let op = match op.to_ascii_lowercase().as_str() {
                    "pr" => return Ok(Expr::Present(attr)),
                    "eq" => Op::Eq,
                    "sw" => Op::Sw,
                    "co" => Op::Co,
                    "gt" => Op::Gt,
                    "ge" => Op::Ge,
                    "lt" => Op::Lt,
                    "le" => Op::Le,
                    _ => return Err(ApiError::InvalidSearch),
                };
                let lit = match self.next() {
                    Some(Token::Str(s)) => Literal::Str(s),
                    Some(Token::Word(w)) => literal_word(&w)?,
                    _ => return Err(ApiError::InvalidSearch),
                };
                Ok(Expr::Compare(attr, op, lit))
            }
            _ => Err(ApiError::InvalidSearch),
        }
    }
}

fn literal_word(w: &str) -> Result<Literal, ApiError> {
    match w.to_ascii_lowercase().as_str() {
        "true" => Ok(Literal::Bool(true)),
        "false" => Ok(Literal::Bool(false)),
        "null" => Ok(Literal::Null),
        _ => w
            .parse()
            .map(Literal::Num)
            .map_err(|_| ApiError::InvalidSearch),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(attr: &str) -> Option<AttrValue<'static>> {
        match attr {
            "status" => Some(AttrValue::Str("ACTIVE")),
            "profile.login" => Some(AttrValue::Str("Isaac.Brock@example.com")),
            "profile.costCenter" => Some(AttrValue::Num(42.0)),
            "lastUpdated" => Some(AttrValue::Date("2024-05-01T10:00:00.000Z".into())),
            _ => None,
        }
    }

    fn eval(q: &str) -> bool {
        Expr::parse(q).expect("parses").matches(&user)
    }

    #[test]
    fn evaluates_operators_and_precedence() {
        assert!(eval(r#"status eq "active""#));
        assert!(eval(
            r#"profile.login sw "isaac" and profile.login co "BROCK""#
        ));
        assert!(eval(
            r#"status eq "STAGED" or (profile.costCenter gt 40 and profile.login pr)"#
        ));
        assert!(!eval(r#"profile.title pr"#));
        assert!(eval(r#"lastUpdated gt "2024-01-01T00:00:00.000Z""#));
        assert!(!eval(r#"status lt "ACTIVE" or status gt "ACTIVE""#));
    }

    #[test]
    fn rejects_malformed() {
        for q in [
            r#"status eq"#,
            r#"(status eq "A""#,
            r#"status ne "A""#,
            r#"status eq "A" xx"#,
        ] {
            assert_eq!(Expr::parse(q), Err(ApiError::InvalidSearch), "{q}");
        }
    }

    proptest::proptest! {
        /// Whatever a client sends as `search` or `filter`, parsing answers an expression or
        /// E0000031, and evaluating it never panics.
        #[test]
        fn any_input_parses_or_is_refused(input in "[ -~]{0,60}") {
            if let Ok(expr) = Expr::parse(&input) {
                let _ = expr.matches(&user);
            }
        }
    }

    #[test]
    fn finds_exact_logins() {
        let e = Expr::parse(r#"profile.login eq "a@b.co""#).expect("parses");
        assert_eq!(e.exact_logins(), Some(vec!["a@b.co"]));
        let many = r#"profile.login eq "a@b.co" or profile.login eq "c@d.co" or profile.login eq "e@f.co""#;
        let e = Expr::parse(many).expect("parses");
        assert_eq!(e.exact_logins(), Some(vec!["a@b.co", "c@d.co", "e@f.co"]));
        let mixed = r#"profile.login eq "a@b.co" or status eq "ACTIVE""#;
        assert_eq!(Expr::parse(mixed).expect("parses").exact_logins(), None);
    }
}

//! The part of the Okta Expression Language that group rules use most: profile attributes
//! (`user.department`), string, boolean and `null` literals, `==` and `!=`, `&&`/`AND`, `||`/`OR`,
//! `!`, parentheses, and the functions `String.startsWith`, `String.endsWith`,
//! `String.stringContains`, `String.toLowerCase` and `String.toUpperCase`. Anything else (group
//! membership functions, arithmetic, other functions) is refused when the rule is written, so a
//! rule never silently matches nobody.

use crate::error::ApiError;
use serde_json::Value;

#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Literal(Value),
    /// `user.<name>`: a profile attribute.
    Attr(String),
    Eq(Box<Expr>, Box<Expr>),
    Ne(Box<Expr>, Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    Call(Function, Vec<Expr>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Function {
    StartsWith,
    EndsWith,
    Contains,
    Lower,
    Upper,
}

impl Function {
    fn named(name: &str) -> Option<(Self, usize)> {
        Some(match name {
            "String.startsWith" => (Self::StartsWith, 2),
            "String.endsWith" => (Self::EndsWith, 2),
            "String.stringContains" => (Self::Contains, 2),
            "String.toLowerCase" => (Self::Lower, 1),
            "String.toUpperCase" => (Self::Upper, 1),
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Str(String),
    Ident(String),
    Op(&'static str),
}

/// Why an expression was refused, for the error cause.
fn invalid(why: impl std::fmt::Display) -> ApiError {
    ApiError::validation(
        "conditions.expression.value",
        format!("conditions.expression.value: Invalid expression: {why}"),
    )
}

fn tokens(input: &str) -> Result<Vec<Token>, ApiError> {
    let mut out = Vec::new();
    let mut chars = input.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        match c {
            c if c.is_whitespace() => {}
            '"' | '\'' => {
                let mut text = String::new();
                loop {
                    match chars.next() {
                        Some((_, '\\')) => match chars.next() {
                            Some((_, escaped)) => text.push(escaped),
                            None => return Err(invalid("unterminated string")),
                        },
                        Some((_, q)) if q == c => break,
                        Some((_, other)) => text.push(other),
                        None => return Err(invalid("unterminated string")),
                    }
                }
                out.push(Token::Str(text));
            }
            '(' => out.push(Token::Op("(")),
            ')' => out.push(Token::Op(")")),
            ',' => out.push(Token::Op(",")),
            '=' | '!' | '&' | '|' => {
                let two = chars.peek().map(|(_, n)| *n);
                let op = match (c, two) {
                    ('=', Some('=')) => "==",
                    ('!', Some('=')) => "!=",
                    ('&', Some('&')) => "&&",
                    ('|', Some('|')) => "||",
                    ('!', _) => "!",
                    _ => return Err(invalid(format!("unexpected '{c}' at {at}"))),
                };
                if op.len() == 2 {
                    chars.next();
                }
                out.push(Token::Op(op));
            }
            c if c.is_alphanumeric() || c == '_' || c == '$' => {
                let mut name = String::from(c);
                while let Some((_, n)) = chars.peek() {
                    if n.is_alphanumeric() || matches!(n, '_' | '$' | '.') {
                        name.push(*n);
                        chars.next();
                    } else {
                        break;
                    }
                }
                out.push(match name.as_str() {
                    "AND" => Token::Op("&&"),
                    "OR" => Token::Op("||"),
                    _ => Token::Ident(name),
                });
            }
            other => return Err(invalid(format!("unexpected '{other}' at {at}"))),
        }
    }
    Ok(out)
}

struct Parser {
    tokens: Vec<Token>,
    at: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn eat(&mut self, op: &str) -> bool {
        if matches!(self.peek(), Some(Token::Op(o)) if *o == op) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, op: &str) -> Result<(), ApiError> {
        if self.eat(op) {
            Ok(())
        } else {
            Err(invalid(format!("expected '{op}'")))
        }
    }

    fn or(&mut self) -> Result<Expr, ApiError> {
        let mut left = self.and()?;
        while self.eat("||") {
            left = Expr::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Expr, ApiError> {
        let mut left = self.not()?;
        while self.eat("&&") {
            left = Expr::And(Box::new(left), Box::new(self.not()?));
        }
        Ok(left)
    }

    fn not(&mut self) -> Result<Expr, ApiError> {
        if self.eat("!") {
            return Ok(Expr::Not(Box::new(self.not()?)));
        }
        let left = self.primary()?;
        if self.eat("==") {
            Ok(Expr::Eq(Box::new(left), Box::new(self.primary()?)))
        } else if self.eat("!=") {
            Ok(Expr::Ne(Box::new(left), Box::new(self.primary()?)))
        } else {
            Ok(left)
        }
    }

    fn primary(&mut self) -> Result<Expr, ApiError> {
        if self.eat("(") {
            let inner = self.or()?;
            self.expect(")")?;
            return Ok(inner);
        }
        let token = self.peek().cloned();
        self.at += 1;
        match token {
            Some(Token::Str(s)) => Ok(Expr::Literal(Value::String(s))),
            Some(Token::Ident(name)) => match name.as_str() {
                "true" => Ok(Expr::Literal(Value::Bool(true))),
                "false" => Ok(Expr::Literal(Value::Bool(false))),
                "null" => Ok(Expr::Literal(Value::Null)),
                _ if self.eat("(") => self.call(&name),
                _ => match name.strip_prefix("user.") {
                    Some(attr) if !attr.is_empty() && !attr.contains('.') => {
                        Ok(Expr::Attr(attr.to_owned()))
                    }
                    _ => Err(invalid(format!("unknown name {name}"))),
                },
            },
            Some(Token::Op(op)) => Err(invalid(format!("unexpected '{op}'"))),
            None => Err(invalid("the expression ends early")),
        }
    }

    fn call(&mut self, name: &str) -> Result<Expr, ApiError> {
        let Some((function, arity)) = Function::named(name) else {
            return Err(ApiError::NotEmulated(format!(
                "the expression function {name}"
            )));
        };
        let mut args = Vec::new();
        if !self.eat(")") {
            loop {
                args.push(self.or()?);
                if self.eat(")") {
                    break;
                }
                self.expect(",")?;
            }
        }
        if args.len() != arity {
            return Err(invalid(format!("{name} takes {arity} arguments")));
        }
        Ok(Expr::Call(function, args))
    }
}

impl Expr {
    pub fn parse(input: &str) -> Result<Self, ApiError> {
        let mut parser = Parser {
            tokens: tokens(input)?,
            at: 0,
        };
        let expr = parser.or()?;
        if parser.at != parser.tokens.len() {
            return Err(invalid("unexpected text after the expression"));
        }
        Ok(expr)
    }

    /// Every attribute the expression reads, for checking them against the schema.
    pub fn attributes(&self) -> Vec<&str> {
        let mut out = Vec::new();
        self.visit(&mut |e| {
            if let Expr::Attr(name) = e {
                out.push(name.as_str());
            }
        });
        out
    }

    fn visit<'a>(&'a self, f: &mut impl FnMut(&'a Expr)) {
        f(self);
        match self {
            Expr::Literal(_) | Expr::Attr(_) => {}
            Expr::Not(e) => e.visit(f),
            Expr::Eq(a, b) | Expr::Ne(a, b) | Expr::And(a, b) | Expr::Or(a, b) => {
                a.visit(f);
                b.visit(f);
            }
            Expr::Call(_, args) => args.iter().for_each(|a| a.visit(f)),
        }
    }

    /// Whether a user with this profile matches; a missing attribute is `null`.
    pub fn matches(&self, attr: &dyn Fn(&str) -> Option<Value>) -> bool {
        self.eval(attr) == Value::Bool(true)
    }

    fn eval(&self, attr: &dyn Fn(&str) -> Option<Value>) -> Value {
        let text = |e: &Expr| match e.eval(attr) {
            Value::String(s) => Some(s),
            _ => None,
        };
        match self {
            Expr::Literal(v) => v.clone(),
            Expr::Attr(name) => attr(name).unwrap_or(Value::Null),
            Expr::Eq(a, b) => Value::Bool(a.eval(attr) == b.eval(attr)),
            Expr::Ne(a, b) => Value::Bool(a.eval(attr) != b.eval(attr)),
            Expr::And(a, b) => Value::Bool(a.matches(attr) && b.matches(attr)),
            Expr::Or(a, b) => Value::Bool(a.matches(attr) || b.matches(attr)),
            Expr::Not(e) => Value::Bool(!e.matches(attr)),
            Expr::Call(f, args) => {
                let first = text(&args[0]);
                let second = args.get(1).and_then(text);
                match (f, first, second) {
                    (Function::StartsWith, Some(a), Some(b)) => Value::Bool(a.starts_with(&b)),
                    (Function::EndsWith, Some(a), Some(b)) => Value::Bool(a.ends_with(&b)),
                    (Function::Contains, Some(a), Some(b)) => Value::Bool(a.contains(&b)),
                    (Function::Lower, Some(a), _) => Value::String(a.to_lowercase()),
                    (Function::Upper, Some(a), _) => Value::String(a.to_uppercase()),
                    (Function::Lower | Function::Upper, None, _) => Value::Null,
                    _ => Value::Bool(false),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn matches(expr: &str, profile: Value) -> bool {
        let e = Expr::parse(expr).expect("parses");
        e.matches(&|name| profile.get(name).cloned())
    }

    #[test]
    fn compares_attributes_with_literals() {
        let p = json!({"lastName": "Doe", "department": "Sales"});
        assert!(matches(r#"user.lastName=="Doe""#, p.clone()));
        assert!(!matches(r#"user.lastName=="doe""#, p.clone()));
        assert!(matches(r#"user.lastName != 'Roe'"#, p.clone()));
        assert!(matches(
            r#"user.lastName=="Doe" AND (user.department=="Sales" || user.department=="HR")"#,
            p.clone()
        ));
        assert!(matches(r#"!(user.department=="HR")"#, p.clone()));
        assert!(matches(r#"user.title==null"#, p));
    }

    #[test]
    fn string_functions() {
        let p = json!({"email": "Ann@Example.com"});
        assert!(matches(
            r#"String.endsWith(String.toLowerCase(user.email), "@example.com")"#,
            p.clone()
        ));
        assert!(matches(r#"String.startsWith(user.email,"Ann")"#, p.clone()));
        assert!(matches(
            r#"String.stringContains(user.email,"@Ex")"#,
            p.clone()
        ));
        assert!(!matches(r#"String.stringContains(user.title,"x")"#, p));
    }

    #[test]
    fn refuses_what_it_cannot_evaluate() {
        for bad in [
            "",
            "user.lastName==",
            r#"user.lastName=="Doe"#,
            r#"isMemberOfAnyGroup("00g1")"#,
            r#"String.startsWith(user.email)"#,
            "group.name==\"x\"",
            r#"user.a=="x" extra"#,
            "user.a + 1",
        ] {
            assert!(Expr::parse(bad).is_err(), "{bad:?} was accepted");
        }
        assert_eq!(
            Expr::parse(r#"user.a=="x" || user.b=="y""#)
                .expect("parses")
                .attributes(),
            vec!["a", "b"]
        );
    }
}

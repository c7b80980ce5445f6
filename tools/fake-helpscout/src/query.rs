//! The `query=` search syntax of List Conversations / List Customers
//! (catalogue 4.9): `(field:"value")`, `field:("a" OR "b")`,
//! `field:[from TO to]`, free text, `AND` / `OR` / `NOT`, parentheses.
//! Adjacent terms without an operator are ANDed.

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Expr {
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    /// `field:value` (field `None` = free text).
    Term(Option<String>, String),
    /// `field:[from TO to]`; `*` = open end.
    Range(Option<String>, Option<String>, Option<String>),
}

/// What a search expression is evaluated against.
pub(crate) trait Searchable {
    /// Does the record match `value` in `field` (free text when `None`)?
    fn matches(&self, field: Option<&str>, value: &str) -> bool;
    /// Is the record's `field` inside the (inclusive) range?
    fn in_range(&self, field: &str, from: Option<&str>, to: Option<&str>) -> bool;
}

impl Expr {
    pub(crate) fn eval(&self, target: &dyn Searchable) -> bool {
        match self {
            Expr::And(a, b) => a.eval(target) && b.eval(target),
            Expr::Or(a, b) => a.eval(target) || b.eval(target),
            Expr::Not(a) => !a.eval(target),
            Expr::Term(field, value) => target.matches(field.as_deref(), value),
            Expr::Range(Some(field), from, to) => target.in_range(field, from.as_deref(), to.as_deref()),
            Expr::Range(None, _, _) => false,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    LParen,
    RParen,
    Colon,
    And,
    Or,
    Not,
    Word(String),
    Quoted(String),
    Range(Option<String>, Option<String>),
}

fn tokenize(input: &str) -> Result<Vec<Tok>, String> {
    let mut toks = Vec::new();
    let chars: Vec<char> = input.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            c if c.is_whitespace() => i += 1,
            '(' => {
                toks.push(Tok::LParen);
                i += 1;
            }
            ')' => {
                toks.push(Tok::RParen);
                i += 1;
            }
            ':' => {
                toks.push(Tok::Colon);
                i += 1;
            }
            '"' => {
                let mut s = String::new();
                i += 1;
                while i < chars.len() && chars[i] != '"' {
                    if chars[i] == '\\' && i + 1 < chars.len() {
                        i += 1;
                    }
                    s.push(chars[i]);
                    i += 1;
                }
                if i >= chars.len() {
                    return Err("unterminated quote".into());
                }
                i += 1;
                toks.push(Tok::Quoted(s));
            }
            '[' => {
                let start = i + 1;
                while i < chars.len() && chars[i] != ']' {
                    i += 1;
                }
                if i >= chars.len() {
                    return Err("unterminated range".into());
                }
                let inner: String = chars[start..i].iter().collect();
                i += 1;
                let (from, to) = inner.split_once(" TO ").ok_or_else(|| "range needs `TO`".to_string())?;
                let bound = |s: &str| {
                    let s = s.trim().trim_matches('"');
                    (s != "*" && !s.is_empty()).then(|| s.to_string())
                };
                toks.push(Tok::Range(bound(from), bound(to)));
            }
            _ => {
                let mut s = String::new();
                while i < chars.len() && !chars[i].is_whitespace() && !matches!(chars[i], '(' | ')' | ':' | '"' | '[') {
                    s.push(chars[i]);
                    i += 1;
                }
                toks.push(match s.as_str() {
                    "AND" => Tok::And,
                    "OR" => Tok::Or,
                    "NOT" => Tok::Not,
                    _ => Tok::Word(s),
                });
            }
        }
    }
    Ok(toks)
}

struct Parser {
    toks: Vec<Tok>,
    pos: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }

    fn next(&mut self) -> Option<Tok> {
        let t = self.toks.get(self.pos).cloned();
        self.pos += 1;
        t
    }

    fn or(&mut self, ctx: &Option<String>) -> Result<Expr, String> {
        let mut left = self.and(ctx)?;
        while self.peek() == Some(&Tok::Or) {
            self.pos += 1;
            let right = self.and(ctx)?;
            left = Expr::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn and(&mut self, ctx: &Option<String>) -> Result<Expr, String> {
        let mut left = self.unary(ctx)?;
        loop {
            match self.peek() {
                Some(Tok::And) => {
                    self.pos += 1;
                }
                Some(Tok::Or) | Some(Tok::RParen) | None => break,
                _ => {}
            }
            let right = self.unary(ctx)?;
            left = Expr::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn unary(&mut self, ctx: &Option<String>) -> Result<Expr, String> {
        if self.peek() == Some(&Tok::Not) {
            self.pos += 1;
            return Ok(Expr::Not(Box::new(self.unary(ctx)?)));
        }
        self.primary(ctx)
    }

    fn primary(&mut self, ctx: &Option<String>) -> Result<Expr, String> {
        match self.next() {
            Some(Tok::LParen) => {
                let e = self.or(ctx)?;
                match self.next() {
                    Some(Tok::RParen) => Ok(e),
                    _ => Err("missing `)`".into()),
                }
            }
            Some(Tok::Word(w)) if self.peek() == Some(&Tok::Colon) => {
                self.pos += 1;
                self.value(&Some(w))
            }
            Some(Tok::Word(w)) | Some(Tok::Quoted(w)) => Ok(Expr::Term(ctx.clone(), w)),
            Some(Tok::Range(a, b)) => Ok(Expr::Range(ctx.clone(), a, b)),
            Some(t) => Err(format!("unexpected {t:?}")),
            None => Err("unexpected end of query".into()),
        }
    }

    fn value(&mut self, field: &Option<String>) -> Result<Expr, String> {
        match self.next() {
            Some(Tok::LParen) => {
                let e = self.or(field)?;
                match self.next() {
                    Some(Tok::RParen) => Ok(e),
                    _ => Err("missing `)`".into()),
                }
            }
            Some(Tok::Word(w)) | Some(Tok::Quoted(w)) => Ok(Expr::Term(field.clone(), w)),
            Some(Tok::Range(a, b)) => Ok(Expr::Range(field.clone(), a, b)),
            _ => Err("missing value after `:`".into()),
        }
    }
}

/// Parse a search expression; the error says what is wrong.
pub(crate) fn parse(input: &str) -> Result<Expr, String> {
    let toks = tokenize(input)?;
    if toks.is_empty() {
        return Err("empty query".into());
    }
    let mut p = Parser { toks, pos: 0 };
    let e = p.or(&None)?;
    if p.pos < p.toks.len() {
        return Err("unbalanced `)`".into());
    }
    Ok(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Rec {
        subject: &'static str,
        tags: Vec<&'static str>,
        n: i64,
    }

    impl Searchable for Rec {
        fn matches(&self, field: Option<&str>, value: &str) -> bool {
            match field {
                None | Some("subject") => self.subject.to_lowercase().contains(&value.to_lowercase()),
                Some("tag") => self.tags.contains(&value),
                _ => false,
            }
        }
        fn in_range(&self, _field: &str, from: Option<&str>, to: Option<&str>) -> bool {
            let lo = from.and_then(|f| f.parse::<i64>().ok()).unwrap_or(i64::MIN);
            let hi = to.and_then(|f| f.parse::<i64>().ok()).unwrap_or(i64::MAX);
            (lo..=hi).contains(&self.n)
        }
    }

    fn check(q: &str, r: &Rec) -> bool {
        parse(q).unwrap().eval(r)
    }

    #[test]
    fn forms() {
        let r = Rec {
            subject: "Refund request for order",
            tags: vec!["billing", "vip"],
            n: 5,
        };
        assert!(check("(subject:\"refund\")", &r));
        assert!(check("(tag:\"vip\" AND subject:\"order\")", &r));
        assert!(check("tag:(\"nope\" OR \"billing\")", &r));
        assert!(!check("(NOT tag:\"vip\")", &r));
        assert!(check("refund order", &r));
        assert!(!check("refund banana", &r));
        assert!(check("banana OR refund", &r));
        assert!(check("n:[1 TO *]", &r));
        assert!(!check("n:[6 TO 9]", &r));
        assert!(parse("(subject:\"x\"").is_err());
        assert!(parse("subject:").is_err());
    }
}

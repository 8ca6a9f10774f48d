//! A small validator for the OpenAPI 3.0 schema subset the Okta spec uses for users, groups, the
//! user schema and errors: `$ref`, `allOf`, `oneOf`/`anyOf`, `type`, `nullable`, `enum`,
//! `properties`, `required`, `items`, `additionalProperties` and the `date-time` format.

use serde_json::{Map, Value};

pub struct Spec {
    root: Value,
}

impl Spec {
    pub fn load(path: &str) -> Spec {
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let yaml: serde_yaml_ng::Value = serde_yaml_ng::from_str(&text).expect("spec is YAML");
        Spec {
            root: to_json(yaml),
        }
    }

    /// Every way `value` breaks the component schema `name`, as `path: reason` lines.
    pub fn check(&self, name: &str, value: &Value) -> Vec<String> {
        let mut errors = Vec::new();
        let schema = self.component(name);
        self.validate(schema, value, "$", &mut errors);
        errors
    }

    fn component(&self, name: &str) -> &Value {
        let schema = &self.root["components"]["schemas"][name];
        assert!(schema.is_object(), "no schema {name} in the spec");
        schema
    }

    fn resolve<'a>(&'a self, schema: &'a Value) -> &'a Value {
        match schema.get("$ref").and_then(Value::as_str) {
            Some(r) => {
                let name = r
                    .strip_prefix("#/components/schemas/")
                    .unwrap_or_else(|| panic!("unsupported $ref {r}"));
                self.resolve(self.component(name))
            }
            None => schema,
        }
    }

    fn validate(&self, schema: &Value, value: &Value, path: &str, errors: &mut Vec<String>) {
        let schema = self.resolve(schema);
        if value.is_null() {
            let nullable = schema.get("nullable") == Some(&Value::Bool(true));
            let typed = schema.get("type").is_some();
            if typed && !nullable {
                errors.push(format!("{path}: null where the schema is not nullable"));
            }
            return;
        }
        if let Some(all) = schema.get("allOf").and_then(Value::as_array) {
            for sub in all {
                self.validate(sub, value, path, errors);
            }
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(options) = schema.get(key).and_then(Value::as_array) {
                let fits = options.iter().any(|o| {
                    let mut e = Vec::new();
                    self.validate(o, value, path, &mut e);
                    e.is_empty()
                });
                if !fits {
                    errors.push(format!("{path}: matches none of {key}"));
                }
            }
        }
        if let Some(kind) = schema.get("type").and_then(Value::as_str) {
            let ok = match kind {
                "string" => value.is_string(),
                "integer" => value.is_i64() || value.is_u64(),
                "number" => value.is_number(),
                "boolean" => value.is_boolean(),
                "array" => value.is_array(),
                "object" => value.is_object(),
                other => panic!("unknown type {other}"),
            };
            if !ok {
                errors.push(format!("{path}: expected {kind}, got {value}"));
                return;
            }
        }
        if let Some(options) = schema.get("enum").and_then(Value::as_array) {
            if !options.contains(value) {
                errors.push(format!("{path}: {value} is not one of {options:?}"));
            }
        }
        if schema.get("format").and_then(Value::as_str) == Some("date-time") {
            if let Some(s) = value.as_str() {
                if chrono::DateTime::parse_from_rfc3339(s).is_err() {
                    errors.push(format!("{path}: {s} is not a date-time"));
                }
            }
        }
        if let Some(items) = schema.get("items") {
            for (i, item) in value.as_array().into_iter().flatten().enumerate() {
                self.validate(items, item, &format!("{path}[{i}]"), errors);
            }
        }
        if let Some(object) = value.as_object() {
            self.validate_object(schema, object, path, errors);
        }
    }

    fn validate_object(
        &self,
        schema: &Value,
        object: &Map<String, Value>,
        path: &str,
        errors: &mut Vec<String>,
    ) {
        let properties = schema.get("properties").and_then(Value::as_object);
        for name in schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let name = name.as_str().expect("required names are strings");
            if !object.contains_key(name) {
                errors.push(format!("{path}: missing required {name}"));
            }
        }
        for (name, v) in object {
            match properties.and_then(|p| p.get(name)) {
                Some(sub) => self.validate(sub, v, &format!("{path}.{name}"), errors),
                None => match schema.get("additionalProperties") {
                    Some(Value::Bool(false)) => {
                        errors.push(format!("{path}: unexpected property {name}"))
                    }
                    Some(sub @ Value::Object(_)) => {
                        self.validate(sub, v, &format!("{path}.{name}"), errors)
                    }
                    _ => {}
                },
            }
        }
    }
}

fn to_json(v: serde_yaml_ng::Value) -> Value {
    match v {
        serde_yaml_ng::Value::Null => Value::Null,
        serde_yaml_ng::Value::Bool(b) => Value::Bool(b),
        serde_yaml_ng::Value::Number(n) => serde_json::to_value(&n).expect("number"),
        serde_yaml_ng::Value::String(s) => Value::String(s),
        serde_yaml_ng::Value::Sequence(items) => {
            Value::Array(items.into_iter().map(to_json).collect())
        }
        serde_yaml_ng::Value::Mapping(m) => Value::Object(
            m.into_iter()
                .map(|(k, v)| {
                    let key = match k {
                        serde_yaml_ng::Value::String(s) => s,
                        other => serde_yaml_ng::to_string(&other)
                            .expect("key")
                            .trim()
                            .to_owned(),
                    };
                    (key, to_json(v))
                })
                .collect(),
        ),
        serde_yaml_ng::Value::Tagged(t) => to_json(t.value),
    }
}

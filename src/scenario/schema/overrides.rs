//! Variants, the values they write into a scenario, and sweeps.
use super::*;

/// A named variant: overrides applied to the base scenario.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct VariantSpec {
    /// Free text.
    #[serde(default)]
    pub description: Option<String>,
    /// Other variants applied first: each ancestor once, depth first, left to right.
    #[serde(default)]
    pub extends: Vec<String>,
    /// Multiply the annual volume of flows (and ship arrivals) by this factor.
    #[serde(default)]
    pub demand_factor: Option<f64>,
    /// Restrict `demand_factor` to flows and arrivals with one of these tags.
    #[serde(default)]
    pub demand_tags: Vec<String>,
    /// Values to set, by dotted path into the scenario (e.g. `"ports.baku.berths.dry.count"`).
    #[serde(default)]
    pub set: BTreeMap<String, OverrideValue>,
    /// Factors to multiply numbers by, by dotted path.
    #[serde(default)]
    pub scale: BTreeMap<String, f64>,
}

/// A value a variant or sweep writes into the scenario: a number, a string, true or
/// false, a list or a table — the same values a scenario file holds.
///
/// ```
/// use corridor::scenario::OverrideValue;
/// assert_eq!(OverrideValue::from(3), OverrideValue::Integer(3));
/// assert_eq!(OverrideValue::from(2.5), OverrideValue::Float(2.5));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum OverrideValue {
    /// `true` or `false`.
    Bool(bool),
    /// A whole number.
    Integer(i64),
    /// A number with a fraction.
    Float(f64),
    /// Text.
    String(String),
    /// A list.
    Array(Vec<OverrideValue>),
    /// A table.
    Table(BTreeMap<String, OverrideValue>),
}

impl OverrideValue {
    /// The value as TOML, for patching a document.
    pub fn to_toml(&self) -> toml::Value {
        match self {
            OverrideValue::Bool(b) => toml::Value::Boolean(*b),
            OverrideValue::Integer(i) => toml::Value::Integer(*i),
            OverrideValue::Float(x) => toml::Value::Float(*x),
            OverrideValue::String(s) => toml::Value::String(s.clone()),
            OverrideValue::Array(a) => toml::Value::Array(a.iter().map(OverrideValue::to_toml).collect()),
            OverrideValue::Table(t) => toml::Value::Table(t.iter().map(|(k, v)| (k.clone(), v.to_toml())).collect()),
        }
    }

    /// The value of a TOML value (dates become text).
    pub fn from_toml(value: &toml::Value) -> OverrideValue {
        match value {
            toml::Value::Boolean(b) => OverrideValue::Bool(*b),
            toml::Value::Integer(i) => OverrideValue::Integer(*i),
            toml::Value::Float(x) => OverrideValue::Float(*x),
            toml::Value::String(s) => OverrideValue::String(s.clone()),
            toml::Value::Datetime(d) => OverrideValue::String(d.to_string()),
            toml::Value::Array(a) => OverrideValue::Array(a.iter().map(OverrideValue::from_toml).collect()),
            toml::Value::Table(t) => {
                OverrideValue::Table(t.iter().map(|(k, v)| (k.clone(), OverrideValue::from_toml(v))).collect())
            }
        }
    }

    /// The value as a number, if it is one.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            OverrideValue::Integer(i) => Some(*i as f64),
            OverrideValue::Float(x) => Some(*x),
            _ => None,
        }
    }
}

impl std::fmt::Display for OverrideValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.to_toml())
    }
}

impl<'de> Deserialize<'de> for OverrideValue {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = OverrideValue;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a number, a string, true or false, a list or a table")
            }
            fn visit_bool<E>(self, v: bool) -> Result<OverrideValue, E> {
                Ok(OverrideValue::Bool(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<OverrideValue, E> {
                Ok(OverrideValue::Integer(v))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<OverrideValue, E> {
                i64::try_from(v)
                    .map(OverrideValue::Integer)
                    .map_err(|_| E::custom(format!("{v} is too large (at most {})", i64::MAX)))
            }
            fn visit_f64<E>(self, v: f64) -> Result<OverrideValue, E> {
                Ok(OverrideValue::Float(v))
            }
            fn visit_str<E>(self, v: &str) -> Result<OverrideValue, E> {
                Ok(OverrideValue::String(v.to_string()))
            }
            fn visit_string<E>(self, v: String) -> Result<OverrideValue, E> {
                Ok(OverrideValue::String(v))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<OverrideValue, A::Error> {
                let mut out = Vec::new();
                while let Some(v) = seq.next_element()? {
                    out.push(v);
                }
                Ok(OverrideValue::Array(out))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<OverrideValue, A::Error> {
                let mut out = BTreeMap::new();
                while let Some((k, v)) = map.next_entry::<String, OverrideValue>()? {
                    out.insert(k, v);
                }
                Ok(OverrideValue::Table(out))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

macro_rules! override_from {
    ($($t:ty => $variant:ident as $as:ty),*) => {
        $(impl From<$t> for OverrideValue {
            fn from(v: $t) -> Self {
                OverrideValue::$variant(v as $as)
            }
        })*
    };
}
override_from!(i64 => Integer as i64, i32 => Integer as i64, u32 => Integer as i64, f64 => Float as f64, bool => Bool as bool);

impl From<&str> for OverrideValue {
    fn from(v: &str) -> Self {
        OverrideValue::String(v.to_string())
    }
}

impl From<String> for OverrideValue {
    fn from(v: String) -> Self {
        OverrideValue::String(v)
    }
}

impl From<DistSpec> for OverrideValue {
    fn from(d: DistSpec) -> Self {
        toml::Value::try_from(&d).map(|v| OverrideValue::from_toml(&v)).unwrap_or(OverrideValue::Table(BTreeMap::new()))
    }
}

/// A grid over one or two parameters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct SweepSpec {
    /// Variant the grid is applied on top of (default: the base).
    #[serde(default)]
    pub base: Option<String>,
    /// One or two axes.
    pub axes: Vec<SweepAxis>,
    /// KPI key plotted against the first axis.
    #[serde(default)]
    pub kpi: Option<String>,
}

/// One axis of a sweep.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct SweepAxis {
    /// Dotted path of the parameter, e.g. `"ports.baku.berths.rail_ferry.count"`, or
    /// `"demand_factor"`: the demand of the flows and arrivals with one of `tags` (all,
    /// when none are given) multiplied by each value, as a variant's `demand_factor`.
    pub parameter: String,
    /// Values it takes.
    pub values: Vec<OverrideValue>,
    /// With `parameter = "demand_factor"`: the tags of the flows and arrivals scaled.
    #[serde(default)]
    pub tags: Vec<String>,
}

/// The sweep parameter that scales demand instead of setting a field.
pub const DEMAND_FACTOR: &str = "demand_factor";

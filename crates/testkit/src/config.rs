//! `sealbook.toml` for tests: the shared test businesses, and what a test
//! changes in them, written as TOML values or as TOML text.

use toml::{Table, Value};

use crate::vectors::vector_key;

/// A whole `sealbook.toml`: settings, sections and businesses.
#[derive(Debug, Clone)]
pub struct ServerConfig(Table);

impl ServerConfig {
    /// A configuration with only `database` set.
    pub fn new(database: &str) -> Self {
        Self(Table::new()).set("database", database)
    }

    /// Sets `key` (dotted for a section's key: `limits.logins_per_minute`) to
    /// `value`, in place of what it was.
    #[must_use]
    pub fn set(mut self, key: &str, value: impl Into<Value>) -> Self {
        set(&mut self.0, key, value.into());
        self
    }

    /// `listen` on loopback `port`.
    #[must_use]
    pub fn listen(self, port: u16) -> Self {
        self.set("listen", format!("127.0.0.1:{port}"))
    }

    /// Adds the settings and sections of `toml` (text as in a `sealbook.toml`),
    /// each in place of the same key (a section as a whole).
    ///
    /// # Panics
    /// If `toml` is not TOML.
    #[must_use]
    pub fn extend(mut self, toml: &str) -> Self {
        self.0.extend(parse(toml));
        self
    }

    /// Adds a `[[business]]`.
    #[must_use]
    pub fn business(mut self, business: Business) -> Self {
        let businesses = self
            .0
            .entry("business")
            .or_insert_with(|| Value::Array(Vec::new()));
        if let Value::Array(businesses) = businesses {
            businesses.push(Value::Table(business.0));
        }
        self
    }

    /// The configuration as the server reads it.
    ///
    /// # Panics
    /// Never for what the builders make (a TOML table always writes).
    pub fn toml(&self) -> String {
        toml::to_string(&self.0).expect("a TOML table writes as TOML")
    }
}

/// One `[[business]]` of a `sealbook.toml`.
#[derive(Debug, Clone)]
pub struct Business(Table);

impl Business {
    /// A restaurant with an id and a name and nothing else.
    pub fn restaurant(id: &str, name: &str) -> Self {
        Self::of_kind("restaurant", id, name)
    }

    /// A clinic with an id and a name and nothing else.
    pub fn clinic(id: &str, name: &str) -> Self {
        Self::of_kind("clinic", id, name)
    }

    fn of_kind(kind: &str, id: &str, name: &str) -> Self {
        Self(Table::new())
            .set("id", id)
            .set("name", name)
            .set("kind", kind)
    }

    /// The in-process tests' restaurant, `bistro-du-coin`: in Paris, 8 covers,
    /// parties of up to 6, 90-minute turns, open around the clock every day,
    /// sealed to test vector 0's key.
    pub fn bistro_du_coin() -> Self {
        Self::restaurant("bistro-du-coin", "Bistro du Coin")
            .set("keys", vec![vector_key(0)])
            .set("timezone", "Europe/Paris")
            .set("covers", 8)
            .set("max_party_size", 6)
            .set("turn_minutes", 90)
            .set("hours", around_the_clock())
    }

    /// The in-process tests' clinic, `praxis-am-see`: in Berlin, open around
    /// the clock, one 30-minute service (`physio-30`) given by one practitioner
    /// (`anna`), sealed to test vector 1's key.
    pub fn praxis_am_see() -> Self {
        Self::clinic("praxis-am-see", "Praxis am See")
            .set("keys", vec![vector_key(1)])
            .set("timezone", "Europe/Berlin")
            .set("hours", around_the_clock())
            .extend(
                r#"
                [[services]]
                id = "physio-30"
                name = { de = "Krankengymnastik", en = "Physiotherapy", fr = "Kinésithérapie" }
                duration_minutes = 30
                [[practitioners]]
                id = "anna"
                name = "Anna Keller"
                services = ["physio-30"]
                "#,
            )
    }

    /// The process tests' restaurant, `bistro`: in UTC, 8 covers, sealed to
    /// test vector 0's key; no hours (each test opens it when it books).
    pub fn bistro() -> Self {
        Self::restaurant("bistro", "Bistro")
            .set("timezone", "UTC")
            .set("covers", 8)
            .set("keys", vec![vector_key(0)])
    }

    /// Sets `key` (dotted for a table's key: `consent.version`) to `value`, in
    /// place of what it was.
    #[must_use]
    pub fn set(mut self, key: &str, value: impl Into<Value>) -> Self {
        set(&mut self.0, key, value.into());
        self
    }

    /// Adds the settings and tables of `toml` (text as under `[[business]]`,
    /// table names relative to it: `[consent]`, `[[services]]`), each in place
    /// of the same key (a table as a whole: `hours = { mon = […] }` leaves
    /// the business open on Mondays only).
    ///
    /// # Panics
    /// If `toml` is not TOML.
    #[must_use]
    pub fn extend(mut self, toml: &str) -> Self {
        self.0.extend(parse(toml));
        self
    }
}

/// `hours` open from midnight to midnight every day: any start the tests pick
/// is inside them.
pub fn around_the_clock() -> Table {
    ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
        .into_iter()
        .map(|day| (day.to_owned(), Value::from(vec!["00:00-24:00"])))
        .collect()
}

fn parse(toml: &str) -> Table {
    toml.parse()
        .unwrap_or_else(|error| panic!("not TOML: {error}\n{toml}"))
}

/// Sets the dotted `key` in `table`, making the tables on the way.
fn set(table: &mut Table, key: &str, value: Value) {
    match key.split_once('.') {
        None => {
            table.insert(key.to_owned(), value);
        }
        Some((first, rest)) => {
            let inner = table
                .entry(first)
                .or_insert_with(|| Value::Table(Table::new()));
            if !inner.is_table() {
                *inner = Value::Table(Table::new());
            }
            if let Value::Table(inner) = inner {
                set(inner, rest, value);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Business, ServerConfig};

    #[test]
    fn what_a_test_changes_replaces_what_the_business_had() {
        let config =
            ServerConfig::new("sqlite://test.db")
                .listen(8123)
                .extend("[limits]\nlogins_per_minute = 8")
                .set("limits.trust_forwarded_for", true)
                .business(Business::bistro_du_coin().set("covers", 10_000).extend(
                    "[consent]\nversion = \"v1\"\n[[consent.categories]]\nid = \"analytics\"",
                ))
                .business(Business::praxis_am_see().extend("hours = { mon = [\"11:00-23:00\"] }"));
        let read: toml::Table = config.toml().parse().expect("TOML");
        assert_eq!(read["database"].as_str(), Some("sqlite://test.db"));
        assert_eq!(read["listen"].as_str(), Some("127.0.0.1:8123"));
        assert_eq!(read["limits"]["logins_per_minute"].as_integer(), Some(8));
        assert_eq!(read["limits"]["trust_forwarded_for"].as_bool(), Some(true));
        let bistro = &read["business"][0];
        assert_eq!(bistro["covers"].as_integer(), Some(10_000));
        assert_eq!(bistro["max_party_size"].as_integer(), Some(6));
        assert_eq!(
            bistro["consent"]["categories"][0]["id"].as_str(),
            Some("analytics")
        );
        assert_eq!(bistro["hours"]["sun"][0].as_str(), Some("00:00-24:00"));
        let praxis = &read["business"][1];
        assert_eq!(praxis["services"][0]["id"].as_str(), Some("physio-30"));
        let hours = praxis["hours"].as_table().expect("hours");
        assert_eq!(
            hours.len(),
            1,
            "in place of the business's hours: {hours:?}"
        );
        assert_eq!(hours["mon"][0].as_str(), Some("11:00-23:00"));
        assert!(
            bistro["keys"][0]["pem"]
                .as_str()
                .is_some_and(|pem| pem.starts_with("-----BEGIN PUBLIC KEY-----")),
            "{bistro:?}"
        );
    }
}

//! `sealbook.toml`: the server's businesses, their public keys and allowed origins.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use std::collections::BTreeMap;

use jiff::civil::Date;
use sealbook_envelope::KeyId;
use serde::Deserialize;

use crate::auth::totp_seal::{TotpKey, TotpKeyError};
use crate::consent::ConsentNotice;
use crate::courier::{CourierSettings, RawCourier};
use crate::ids::BusinessId;
use crate::mail::{Security, SmtpConfig, StaffLanguage};
use crate::profile::{
    CancellationPolicy, Channel, Field, Localized, MAX_RETENTION_DAYS, MarketingOptIn, Profile,
};
use crate::schedule::{
    self, Absence, Closure, ExceptionalDay, Kind, PractitionerSettings, ScheduleSettings, Seating,
    ServiceSettings,
};
use crate::texts::{OwnTexts, RawTexts};

/// Why a configuration could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("invalid configuration in {path}: {source}")]
    Parse {
        path: PathBuf,
        source: Box<toml::de::Error>,
    },
    #[error("business {business}: key {index}: {reason}")]
    Key {
        business: BusinessId,
        index: usize,
        reason: String,
    },
    #[error(
        "business id {0:?}: use 1 to 64 lowercase letters, digits and hyphens (it appears in URLs)"
    )]
    InvalidBusinessId(String),
    #[error(
        "business {business}: allowed origin {origin:?} is not an origin like https://www.example.com"
    )]
    InvalidOrigin {
        business: BusinessId,
        origin: String,
    },
    #[error("public_url {0:?} is not an origin like https://book.example.com")]
    InvalidPublicUrl(String),
    #[error("{setting}: {address:?} is not an e-mail address")]
    InvalidAddress { setting: String, address: String },
    #[error("cannot read the SMTP password file {path}: {source}")]
    SmtpPassword {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("business {0} is configured twice")]
    DuplicateBusiness(BusinessId),
    #[error("business {business}: {reason}")]
    Profile {
        business: BusinessId,
        reason: String,
    },
    #[error("sweep_interval_minutes = {0} is more than {MAX_SWEEP_INTERVAL_MINUTES} (a day)")]
    SweepInterval(u64),
    #[error("audit_retention_days = {0} is more than {MAX_RETENTION_DAYS} days")]
    AuditRetention(u32),
}

/// The longest cancellation deadline: thirty days before the start.
const MAX_CANCEL_UNTIL_HOURS: u32 = 30 * 24;

/// The longest the sweeper may wait between passes: retention is promised in
/// days, and `/readyz` waits three intervals before calling the sweeper stalled.
const MAX_SWEEP_INTERVAL_MINUTES: u64 = 24 * 60;

/// A number a visitor can dial: digits with the usual separators, a leading
/// `+` for the country, at least three digits.
fn is_phone_number(phone: &str) -> bool {
    phone.chars().count() <= 32
        && phone.chars().filter(char::is_ascii_digit).count() >= 3
        && phone
            .chars()
            .all(|c| c.is_ascii_digit() || " +-./()".contains(c))
        && !phone[1..].contains('+')
}

/// `scheme://host[:port]`, exactly as a browser sends it in `Origin`: no path,
/// no trailing slash (a browser's `Origin` never has one, so it would never match).
fn is_origin(origin: &str) -> bool {
    let Some((scheme, rest)) = origin.split_once("://") else {
        return false;
    };
    matches!(scheme, "http" | "https")
        && !rest.is_empty()
        && !rest.contains(['/', '?', '#', '@', ' '])
        && axum::http::HeaderValue::from_str(origin).is_ok()
}

/// `[smtp]` as written, in `sealbook.toml` and in a courier's file: the
/// password comes from a file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpSettings {
    host: String,
    #[serde(default = "default_smtp_port")]
    port: u16,
    #[serde(default)]
    security: Security,
    username: Option<String>,
    /// A file holding the password, kept out of this file.
    password_file: Option<PathBuf>,
    /// The sender, e.g. `Sealbook <bookings@book.example.com>`.
    from: String,
}

fn default_smtp_port() -> u16 {
    587
}

impl SmtpSettings {
    /// Reads the password file (relative to `base`) and checks the sender.
    pub fn resolve(self, base: &Path) -> Result<SmtpConfig, ConfigError> {
        let from = self.from.parse().map_err(|_| ConfigError::InvalidAddress {
            setting: "smtp.from".to_owned(),
            address: self.from.clone(),
        })?;
        let password = self
            .password_file
            .map(|file| {
                let path = base.join(file);
                std::fs::read_to_string(&path)
                    .map(|text| text.trim_end_matches(['\r', '\n']).to_owned())
                    .map_err(|source| ConfigError::SmtpPassword { path, source })
            })
            .transpose()?;
        Ok(SmtpConfig {
            host: self.host,
            port: self.port,
            security: self.security,
            credentials: self
                .username
                .map(|username| (username, password.unwrap_or_default())),
            from,
        })
    }
}

/// How `sealbook serve` writes its log.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    #[default]
    Text,
    Json,
}

use crate::business_key::RawKey;
pub use crate::business_key::{BusinessKey, KeyStatus};

/// One business that embeds the widget.
#[derive(Debug, Clone)]
pub struct Business {
    pub id: BusinessId,
    pub name: String,
    pub allowed_origins: Vec<String>,
    pub keys: Vec<BusinessKey>,
    /// The booking profile, with the schedule `sealbook serve` last read from
    /// the database (at first, the one below).
    pub profile: Profile,
    /// The schedule as `sealbook.toml` gives it: it seeds the database for a
    /// new business, and `sealbook business import` copies it there again.
    pub schedule: ScheduleSettings,
    /// Where new-booking notices go (no personal data in them), if anywhere.
    pub notify: Option<String>,
    /// The language of the staff's notices.
    pub language: StaffLanguage,
    /// The site's cookie notice, when the widget is also its consent manager.
    pub consent: Option<ConsentNotice>,
    /// The business's public phone number, shown to visitors (after the
    /// cancellation deadline: the way to still reach the business).
    pub phone: Option<String>,
    /// The street address visitors come to, which their messages give.
    pub address: Option<String>,
    /// The business's courier, when it sends visitors messages.
    pub courier: Option<CourierSettings>,
    /// The business's own wording of texts its visitors read, in place of
    /// the translation files'.
    pub texts: OwnTexts,
}

impl Business {
    /// How long a waitlist offer holds freed seats; `None`: no waitlist.
    pub fn waitlist_hold_seconds(&self) -> Option<i64> {
        self.courier.as_ref()?.waitlist_hold_seconds
    }

    /// This business with `settings` as its schedule, if they are valid for it.
    pub fn with_schedule(&self, settings: &ScheduleSettings) -> Result<Self, String> {
        let resolved = schedule::resolve(Kind::of(&self.profile.offer), settings)?;
        Ok(self.with_resolved(settings, resolved))
    }

    /// This business with `settings` as its schedule, already checked into `resolved`.
    pub fn with_resolved(&self, settings: &ScheduleSettings, resolved: schedule::Resolved) -> Self {
        let mut business = self.clone();
        business.profile.schedule = resolved.schedule;
        business.profile.slot_interval_minutes = resolved.slot_interval_minutes;
        business.profile.min_lead_minutes = resolved.min_lead_minutes;
        business.profile.horizon_days = resolved.horizon_days;
        business.profile.offer = resolved.offer;
        business.schedule = settings.clone();
        business
    }

    /// The kids new bookings must be sealed to.
    pub fn active_kids(&self) -> impl Iterator<Item = &KeyId> {
        self.keys
            .iter()
            .filter(|key| key.status == KeyStatus::Active)
            .map(|key| &key.kid)
    }

    /// The kids a script tag pins: the active keys and those about to become active.
    pub fn pinned_kids(&self) -> impl Iterator<Item = &KeyId> {
        self.keys
            .iter()
            .filter(|key| matches!(key.status, KeyStatus::Active | KeyStatus::Pending))
            .map(|key| &key.kid)
    }

    /// The courier kids a script tag pins (none without a courier).
    pub fn pinned_courier_kids(&self) -> impl Iterator<Item = &KeyId> {
        self.courier
            .iter()
            .flat_map(|courier| courier.pinned_kids())
    }
}

/// The resolved configuration.
#[derive(Debug, Clone)]
pub struct Config {
    pub listen: SocketAddr,
    /// Where visitors' browsers reach this server (behind its TLS proxy), e.g.
    /// `https://book.example.com`: the snippet's origin; `https` turns on HSTS.
    pub public_url: Option<String>,
    /// The bearer token Prometheus presents for `GET /metrics`; none: no metrics page.
    pub metrics_token: Option<String>,
    /// `text` (default) or `json`, one object per line, for log collectors.
    pub log_format: LogFormat,
    /// The mail server for new-booking notices; none: no notices.
    pub smtp: Option<SmtpConfig>,
    pub database: String,
    pub widget_dir: PathBuf,
    pub www_dir: PathBuf,
    /// How often the retention sweeper runs.
    pub sweep_interval: std::time::Duration,
    /// How long audit entries are kept, in days, before the sweeper deletes them.
    pub audit_retention_days: u32,
    /// Per-client request limits.
    pub limits: crate::limits::LimitsConfig,
    pub businesses: Vec<Business>,
    /// The file holding the key that seals staff TOTP secrets in the database.
    pub totp_key_file: PathBuf,
    /// That key, once [`Config::ensure_totp_key`] has read (or made) the file;
    /// only `sealbook serve` needs it, so other commands never touch the file.
    pub totp_key: Option<TotpKey>,
}

impl Config {
    /// Reads and resolves a `sealbook.toml`; relative paths are relative to its folder.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.into(),
            source,
        })?;
        let raw: RawConfig = toml::from_str(&text).map_err(|source| ConfigError::Parse {
            path: path.into(),
            source: Box::new(source),
        })?;
        Self::resolve(raw, path.parent().unwrap_or(Path::new(".")))
    }

    /// Parses configuration text (paths relative to `base`).
    pub fn from_toml(text: &str, base: &Path) -> Result<Self, ConfigError> {
        let raw: RawConfig = toml::from_str(text).map_err(|source| ConfigError::Parse {
            path: base.join("<inline>"),
            source: Box::new(source),
        })?;
        Self::resolve(raw, base)
    }

    /// Reads the TOTP key file, making it first if there is none: `sealbook
    /// serve` does this before it starts, so the key survives restarts.
    pub fn ensure_totp_key(&mut self) -> Result<&TotpKey, TotpKeyError> {
        if self.totp_key.is_none() {
            self.totp_key = Some(TotpKey::load_or_create(&self.totp_key_file)?);
        }
        Ok(self.totp_key.as_ref().expect("set just above"))
    }

    /// The business with this id.
    pub fn business(&self, id: &str) -> Option<&Business> {
        self.businesses
            .iter()
            .find(|business| business.id.as_str() == id)
    }

    fn resolve(raw: RawConfig, base: &Path) -> Result<Self, ConfigError> {
        let mut businesses: Vec<Business> = Vec::with_capacity(raw.business.len());
        for business in raw.business {
            if !crate::ids::is_url_safe_id(business.id.as_str()) {
                return Err(ConfigError::InvalidBusinessId(business.id.into_string()));
            }
            if let Some(origin) = business
                .allowed_origins
                .iter()
                .find(|origin| !is_origin(origin))
            {
                return Err(ConfigError::InvalidOrigin {
                    business: business.id.clone(),
                    origin: origin.clone(),
                });
            }
            if let Some(address) = &business.notify
                && address.parse::<lettre::message::Mailbox>().is_err()
            {
                return Err(ConfigError::InvalidAddress {
                    setting: format!("business {}: notify", business.id),
                    address: address.clone(),
                });
            }
            if let Some(phone) = &business.phone
                && !is_phone_number(phone)
            {
                return Err(ConfigError::Profile {
                    business: business.id.clone(),
                    reason: format!(
                        "phone = {phone:?} is not a phone number (digits, spaces and + - . / ( ), at most 32 characters)"
                    ),
                });
            }
            if let Some(problem) = business.consent.as_ref().and_then(crate::consent::problem) {
                return Err(ConfigError::Profile {
                    business: business.id.clone(),
                    reason: problem,
                });
            }
            if businesses.iter().any(|seen| seen.id == business.id) {
                return Err(ConfigError::DuplicateBusiness(business.id));
            }
            let keys = business
                .keys
                .iter()
                .enumerate()
                .map(|(index, key)| {
                    key.resolve(base).map_err(|reason| ConfigError::Key {
                        business: business.id.clone(),
                        index,
                        reason,
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
            let courier = business
                .courier
                .as_ref()
                .map(|courier| courier.resolve(base))
                .transpose()
                .map_err(|reason| ConfigError::Profile {
                    business: business.id.clone(),
                    reason,
                })?;
            if let Some(courier) = &courier
                && courier
                    .keys
                    .iter()
                    .any(|key| keys.iter().any(|booking| booking.kid == key.kid))
            {
                return Err(ConfigError::Profile {
                    business: business.id.clone(),
                    reason: "the courier key must not be one of the booking keys".to_owned(),
                });
            }
            let texts =
                OwnTexts::check(&business.texts).map_err(|reason| ConfigError::Profile {
                    business: business.id.clone(),
                    reason,
                })?;
            let (schedule, profile) = business
                .schedule_settings()
                .and_then(|settings| Ok((settings.clone(), business.profile(&settings)?)))
                .map_err(|reason| ConfigError::Profile {
                    business: business.id.clone(),
                    reason,
                })?;
            businesses.push(Business {
                id: business.id,
                name: business.name,
                allowed_origins: business.allowed_origins,
                keys,
                profile,
                schedule,
                notify: business.notify,
                language: business.language,
                consent: business.consent,
                phone: business.phone,
                address: business
                    .address
                    .map(|address| address.trim().to_owned())
                    .filter(|address| !address.is_empty()),
                courier,
                texts,
            });
        }
        if let Some(url) = &raw.public_url
            && !is_origin(url.trim_end_matches('/'))
        {
            return Err(ConfigError::InvalidPublicUrl(url.clone()));
        }
        if raw.sweep_interval_minutes > MAX_SWEEP_INTERVAL_MINUTES {
            return Err(ConfigError::SweepInterval(raw.sweep_interval_minutes));
        }
        if raw.audit_retention_days > MAX_RETENTION_DAYS {
            return Err(ConfigError::AuditRetention(raw.audit_retention_days));
        }
        let smtp = raw.smtp.map(|smtp| smtp.resolve(base)).transpose()?;
        let totp_key_file = base.join(raw.totp_key_file);
        Ok(Self {
            listen: raw.listen,
            public_url: raw
                .public_url
                .map(|url| url.trim_end_matches('/').to_owned()),
            metrics_token: raw.metrics_token,
            log_format: raw.log_format,
            smtp,
            database: resolve_sqlite_path(&raw.database, base),
            widget_dir: base.join(raw.widget_dir),
            www_dir: base.join(raw.www_dir),
            sweep_interval: std::time::Duration::from_secs(raw.sweep_interval_minutes.max(1) * 60),
            audit_retention_days: raw.audit_retention_days,
            limits: raw.limits,
            businesses,
            totp_key_file,
            totp_key: None,
        })
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default = "default_listen")]
    listen: SocketAddr,
    #[serde(default)]
    public_url: Option<String>,
    #[serde(default)]
    metrics_token: Option<String>,
    #[serde(default)]
    log_format: LogFormat,
    #[serde(default)]
    smtp: Option<SmtpSettings>,
    #[serde(default = "default_database")]
    database: String,
    #[serde(default = "default_widget_dir")]
    widget_dir: PathBuf,
    #[serde(default = "default_www_dir")]
    www_dir: PathBuf,
    #[serde(default = "default_sweep_interval")]
    sweep_interval_minutes: u64,
    #[serde(default = "default_audit_retention")]
    audit_retention_days: u32,
    #[serde(default)]
    limits: crate::limits::LimitsConfig,
    #[serde(default = "default_totp_key_file")]
    totp_key_file: PathBuf,
    #[serde(default)]
    business: Vec<RawBusiness>,
}

fn default_totp_key_file() -> PathBuf {
    PathBuf::from("totp.key")
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBusiness {
    id: BusinessId,
    name: String,
    #[serde(default)]
    allowed_origins: Vec<String>,
    #[serde(default)]
    notify: Option<String>,
    #[serde(default)]
    language: StaffLanguage,
    #[serde(default)]
    consent: Option<ConsentNotice>,
    /// The public phone number visitors may call, e.g. `+33 1 23 45 67 89`.
    #[serde(default)]
    phone: Option<String>,
    /// The street address, e.g. `12 rue des Lilas, 75011 Paris`.
    #[serde(default)]
    address: Option<String>,
    /// Online change and cancel close this many hours before the start (0:
    /// at the start).
    #[serde(default)]
    cancel_until_hours: u32,
    #[serde(default)]
    keys: Vec<RawKey>,
    /// The courier that sends visitors their messages, if any.
    #[serde(default)]
    courier: Option<RawCourier>,
    kind: RawKind,
    /// IANA time zone, e.g. `Europe/Paris`.
    timezone: String,
    /// Weekly hours: `tue = ["12:00-14:00", "19:00-22:30"]`.
    #[serde(default)]
    hours: BTreeMap<String, Vec<String>>,
    /// Days closed: a date, or `{ from, to, note }`.
    #[serde(default)]
    closures: Vec<RawClosure>,
    /// Days with other hours than usual (empty hours: closed).
    #[serde(default)]
    exceptions: Vec<RawException>,
    #[serde(default = "default_slot_interval")]
    slot_interval_minutes: u32,
    #[serde(default = "default_min_lead")]
    min_lead_minutes: u32,
    #[serde(default = "default_horizon")]
    horizon_days: u32,
    // Restaurant.
    covers: Option<u32>,
    #[serde(default = "default_max_party_size")]
    max_party_size: u32,
    #[serde(default = "default_turn")]
    turn_minutes: u32,
    large_party_message: Option<Localized>,
    // Clinic.
    #[serde(default)]
    services: Vec<RawService>,
    #[serde(default)]
    practitioners: Vec<RawPractitioner>,
    /// The form's fields; the kind's minimal defaults if absent.
    fields: Option<Vec<Field>>,
    /// The marketing channels the booking step offers an opt-in box for.
    #[serde(default)]
    marketing_optins: Vec<Channel>,
    /// What each offered channel sends, in the visitor's languages.
    #[serde(default)]
    marketing: RawMarketing,
    /// The business's own texts: `[business.texts.<lang>.<section>]`, each
    /// key a text of that section, as a string or plural forms.
    #[serde(default)]
    texts: RawTexts,
}

/// `[business.marketing]`: one text per channel.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawMarketing {
    email: Option<Localized>,
    sms: Option<Localized>,
}

impl RawBusiness {
    fn marketing(&self) -> Result<Vec<MarketingOptIn>, String> {
        let mut optins = Vec::with_capacity(self.marketing_optins.len());
        for (index, &channel) in self.marketing_optins.iter().enumerate() {
            if self.marketing_optins[..index].contains(&channel) {
                return Err(format!(
                    "marketing_optins lists `{}` twice",
                    channel_name(channel)
                ));
            }
            optins.push(MarketingOptIn {
                channel,
                text: self.marketing_text(channel).cloned(),
            });
        }
        for channel in [Channel::Email, Channel::Sms] {
            // A text without its box would be a setting that silently does nothing.
            if self.marketing_text(channel).is_some() && !self.marketing_optins.contains(&channel) {
                return Err(format!(
                    "marketing.{0} is set but `{0}` is not in marketing_optins",
                    channel_name(channel)
                ));
            }
        }
        Ok(optins)
    }

    fn marketing_text(&self, channel: Channel) -> Option<&Localized> {
        match channel {
            Channel::Email => self.marketing.email.as_ref(),
            Channel::Sms => self.marketing.sms.as_ref(),
        }
    }
}

fn channel_name(channel: Channel) -> &'static str {
    match channel {
        Channel::Email => "email",
        Channel::Sms => "sms",
    }
}

#[derive(Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
enum RawKind {
    Restaurant,
    Clinic,
}

/// A closure as the file may write it: one day, or a range with a note.
#[derive(Deserialize)]
#[serde(untagged)]
enum RawClosure {
    Day(Date),
    Range {
        from: Date,
        to: Date,
        #[serde(default)]
        note: Option<Localized>,
    },
}

impl RawClosure {
    fn settings(&self) -> Closure {
        match self {
            Self::Day(day) => Closure {
                from: day.to_string(),
                to: day.to_string(),
                note: None,
            },
            Self::Range { from, to, note } => Closure {
                from: from.to_string(),
                to: to.to_string(),
                note: note.clone(),
            },
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawException {
    date: Date,
    hours: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawService {
    id: String,
    name: Localized,
    duration_minutes: u32,
    #[serde(default)]
    buffer_minutes: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPractitioner {
    id: String,
    name: String,
    services: Vec<String>,
    /// Their own weekly hours; the business's hours if absent.
    hours: Option<BTreeMap<String, Vec<String>>>,
    /// Days away: `[{ from = "2026-08-01", to = "2026-08-15" }]`.
    #[serde(default)]
    absences: Vec<RawAbsence>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAbsence {
    from: Date,
    to: Date,
}

impl RawBusiness {
    /// The schedule part of the business's table, as the database will hold it.
    fn schedule_settings(&self) -> Result<ScheduleSettings, String> {
        let seating = match self.kind {
            RawKind::Restaurant => Some(Seating {
                covers: self.covers.ok_or("a restaurant needs `covers`")?,
                max_party_size: self.max_party_size,
                turn_minutes: self.turn_minutes,
                large_party_message: self.large_party_message.clone(),
            }),
            RawKind::Clinic => {
                if self.covers.is_some() || self.large_party_message.is_some() {
                    return Err("covers and large_party_message are for restaurants".to_owned());
                }
                None
            }
        };
        Ok(ScheduleSettings {
            hours: self.hours.clone(),
            closures: self.closures.iter().map(RawClosure::settings).collect(),
            exceptions: self
                .exceptions
                .iter()
                .map(|exception| ExceptionalDay {
                    date: exception.date.to_string(),
                    hours: exception.hours.clone(),
                })
                .collect(),
            slot_interval_minutes: self.slot_interval_minutes,
            min_lead_minutes: self.min_lead_minutes,
            horizon_days: self.horizon_days,
            seating,
            services: self
                .services
                .iter()
                .map(|service| ServiceSettings {
                    id: service.id.clone(),
                    name: service.name.clone(),
                    duration_minutes: service.duration_minutes,
                    buffer_minutes: service.buffer_minutes,
                })
                .collect(),
            practitioners: self
                .practitioners
                .iter()
                .map(|practitioner| PractitionerSettings {
                    id: practitioner.id.clone(),
                    name: practitioner.name.clone(),
                    services: practitioner.services.clone(),
                    hours: practitioner.hours.clone(),
                    absences: practitioner
                        .absences
                        .iter()
                        .map(|absence| Absence {
                            from: absence.from.to_string(),
                            to: Some(absence.to.to_string()),
                        })
                        .collect(),
                })
                .collect(),
        })
    }

    fn kind(&self) -> Kind {
        match self.kind {
            RawKind::Restaurant => Kind::Restaurant,
            RawKind::Clinic => Kind::Clinic,
        }
    }

    fn profile(&self, settings: &ScheduleSettings) -> Result<Profile, String> {
        let timezone = jiff::tz::TimeZone::get(&self.timezone)
            .map_err(|_| format!("`{}` is not an IANA time zone", self.timezone))?;
        let resolved = schedule::resolve(self.kind(), settings)?;
        if self.cancel_until_hours > MAX_CANCEL_UNTIL_HOURS {
            return Err(format!(
                "cancel_until_hours = {} is more than {MAX_CANCEL_UNTIL_HOURS} hours (30 days)",
                self.cancel_until_hours
            ));
        }
        let fields = self
            .fields
            .clone()
            .unwrap_or_else(|| Profile::default_fields(&resolved.offer));
        for (index, field) in fields.iter().enumerate() {
            if field.retention_days > MAX_RETENTION_DAYS {
                return Err(format!(
                    "fields[{index}].retention_days = {} is more than {MAX_RETENTION_DAYS} days",
                    field.retention_days
                ));
            }
        }
        Ok(Profile {
            timezone,
            schedule: resolved.schedule,
            slot_interval_minutes: resolved.slot_interval_minutes,
            min_lead_minutes: resolved.min_lead_minutes,
            horizon_days: resolved.horizon_days,
            offer: resolved.offer,
            fields,
            marketing: self.marketing()?,
            cancellation: CancellationPolicy {
                until_hours: self.cancel_until_hours,
            },
        })
    }
}

/// A relative SQLite path is relative to the configuration file, like every other path.
fn resolve_sqlite_path(url: &str, base: &Path) -> String {
    match url.strip_prefix("sqlite://") {
        Some(path) if Path::new(path).is_relative() && !path.starts_with(':') => {
            format!("sqlite://{}", base.join(path).display())
        }
        _ => url.to_owned(),
    }
}

fn default_listen() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 8080))
}

fn default_database() -> String {
    "sqlite://data/sealbook.db".to_owned()
}

fn default_widget_dir() -> PathBuf {
    PathBuf::from("dist")
}

fn default_www_dir() -> PathBuf {
    PathBuf::from("www")
}

fn default_max_party_size() -> u32 {
    8
}

fn default_sweep_interval() -> u64 {
    60
}

/// A year and a month: a full year of who opened what, for a yearly review,
/// and not the database's lifetime.
fn default_audit_retention() -> u32 {
    400
}

fn default_turn() -> u32 {
    90
}

fn default_slot_interval() -> u32 {
    15
}

fn default_min_lead() -> u32 {
    60
}

fn default_horizon() -> u32 {
    60
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use sealbook_texts::{Lang, Section};

    use super::{Config, ConfigError, is_origin};
    use crate::ids::is_url_safe_id;
    use crate::profile::Channel;
    use crate::texts::OwnTexts;

    fn bistro(extra: &str) -> Result<Config, ConfigError> {
        Config::from_toml(
            &format!(
                r#"
                [[business]]
                id = "bistro"
                name = "Bistro"
                kind = "restaurant"
                timezone = "Europe/Paris"
                covers = 8
                {extra}
                "#
            ),
            Path::new("."),
        )
    }

    fn reason(extra: &str) -> String {
        match bistro(extra) {
            Err(error) => error.to_string(),
            Ok(_) => panic!("accepted: {extra}"),
        }
    }

    #[test]
    fn marketing_optins_default_to_none() {
        let config = bistro("").expect("valid");
        assert!(config.businesses[0].profile.marketing.is_empty());
    }

    #[test]
    fn marketing_optins_keep_their_order_and_texts() {
        let config = bistro(
            r#"marketing_optins = ["sms", "email"]
            [business.marketing]
            sms = { fr = "Une alerte la veille des soirées jazz.", en = "A text the day before jazz nights." }"#,
        )
        .expect("valid");
        let marketing = &config.businesses[0].profile.marketing;
        let channels: Vec<Channel> = marketing.iter().map(|optin| optin.channel).collect();
        assert_eq!(channels, [Channel::Sms, Channel::Email]);
        let sms = marketing[0].text.as_ref().expect("text");
        assert_eq!(sms.0["en"], "A text the day before jazz nights.");
        assert_eq!(marketing[1].text, None);
    }

    #[test]
    fn marketing_optins_are_email_or_sms_once_each() {
        assert!(reason(r#"marketing_optins = ["email", "email"]"#).contains("twice"));
        for unknown in [r#"["post"]"#, r#"["Email"]"#, r#"["e-mail"]"#] {
            assert!(
                matches!(
                    bistro(&format!("marketing_optins = {unknown}")),
                    Err(ConfigError::Parse { .. })
                ),
                "{unknown}"
            );
        }
    }

    #[test]
    fn a_marketing_text_needs_its_box() {
        let text = reason(
            r#"marketing_optins = ["email"]
            [business.marketing]
            sms = { en = "Offers" }"#,
        );
        assert!(text.contains("marketing.sms"), "{text}");
        assert!(matches!(
            bistro(
                r#"[business.marketing]
                fax = { en = "Offers" }"#
            ),
            Err(ConfigError::Parse { .. })
        ));
    }

    /// A notice with a link in each place a notice has one: `{notice}` for the
    /// site's policy, `{service}` for the policy of the second category's service.
    fn notice(notice: &str, service: &str) -> String {
        format!(
            r#"[business.consent]
            version = "v1"
            privacy_policy = "{notice}"
            [[business.consent.categories]]
            id = "necessary"
            description = {{ en = "Keeps your choice" }}
            [[business.consent.categories]]
            id = "analytics"
            description = {{ en = "Counts visits" }}
            [[business.consent.categories.services]]
            name = "Stats"
            provider = "Example Analytics"
            purpose = {{ en = "Visit statistics" }}
            privacy_policy = "{service}""#
        )
    }

    #[test]
    fn every_consent_link_is_https_or_loopback_http() {
        let good = "https://bistro.example/privacy";
        for url in [
            good,
            "https://bistro.example",
            "http://localhost:8080/privacy",
            "http://127.0.0.1/privacy",
            "http://[::1]:8080/privacy?lang=fr#cookies",
            "https://bistro-du-coin.fr/confidentialité",
        ] {
            bistro(&notice(url, good)).unwrap_or_else(|error| panic!("{url}: {error}"));
            bistro(&notice(good, url)).unwrap_or_else(|error| panic!("{url}: {error}"));
        }
        let mut failures = Vec::new();
        for url in [
            "javascript:alert(document.cookie)",
            "JavaScript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "vbscript:msgbox(1)",
            "/privacy",
            "privacy.html",
            "//evil.example/privacy",
            "",
            "https://",
            "https:///evil.example",
            " https://bistro.example/privacy",
            "http://evil.example/privacy",
            "http://localhost.evil.example/privacy",
            "http://localhost@evil.example/privacy",
            "http://127.0.0.1:8080@evil.example/",
            "ftp://bistro.example/privacy",
        ] {
            for (field, extra) in [
                ("business.consent.privacy_policy", notice(url, good)),
                (
                    "business.consent.categories[1].services[0].privacy_policy",
                    notice(good, url),
                ),
            ] {
                match bistro(&extra) {
                    Ok(_) => failures.push(format!("{url:?} at {field}: accepted")),
                    Err(error) => {
                        let text = error.to_string();
                        if !text.contains(field) || !text.contains(&format!("{url:?}")) {
                            failures.push(format!("{url:?} at {field}: {text}"));
                        }
                    }
                }
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn each_consent_service_has_one_name_of_its_own_and_hosts_without_paths() {
        let good = "https://bistro.example/privacy";
        let with_second = |name: &str| {
            format!(
                r#"{}
                [[business.consent.categories]]
                id = "marketing"
                description = {{ en = "Videos and ads" }}
                [[business.consent.categories.services]]
                name = "{name}"
                provider = "Example Video"
                purpose = {{ en = "Plays videos" }}"#,
                notice(good, good)
            )
        };
        bistro(&with_second("YouTube")).expect("two services with their own names");
        let mut hosts = with_second("YouTube");
        hosts.push_str(
            "\nhosts = [\"www.youtube-nocookie.com\", \"*.ytimg.com\", \"127.0.0.1:8080\"]",
        );
        bistro(&hosts).expect("host names, a port and a wildcard");
        for host in [
            "https://youtube.com",
            "youtube.com/embed",
            "YouTube.com",
            "*.",
            "a:0",
            "",
        ] {
            let mut bad = with_second("YouTube");
            bad.push_str(&format!("\nhosts = [{host:?}]"));
            let text = reason(&bad);
            assert!(text.contains(&format!("host {host:?}")), "{host:?}: {text}");
        }
        for (name, says) in [
            ("Stats", "declared twice"),
            ("", "empty"),
            (" YouTube", "spaces at its ends"),
            ("You\tTube", "control characters"),
        ] {
            let text = reason(&with_second(name));
            assert!(text.contains(says), "{name:?}: {text}");
        }
    }

    /// Huge counts once panicked the sweeper (`now - retention` overflowed) and
    /// stopped retention; they are refused at load, naming the setting.
    #[test]
    fn day_and_minute_counts_are_bounded_and_named() {
        let field = |days: &str| {
            format!(
                r#"fields = [{{ id = "name", required = true, purpose = {{ en = "To greet you." }}, retention_days = {days} }}]"#
            )
        };
        let consent = |days: &str| {
            format!(
                "[business.consent]\nversion = \"1\"\nprivacy_policy = \"https://bistro.example/privacy\"\nretention_days = {days}"
            )
        };
        for (extra, setting) in [
            (field("4000000000"), "retention_days"),
            (field("1000000000000"), "retention_days"),
            (field("3651"), "retention_days"),
            (consent("4000000000"), "consent.retention_days"),
            ("horizon_days = 4000000000".to_owned(), "horizon_days"),
            (
                "min_lead_minutes = 4000000000".to_owned(),
                "min_lead_minutes",
            ),
            ("turn_minutes = 4000000000".to_owned(), "turn_minutes"),
        ] {
            let text = reason(&extra);
            assert!(text.contains(setting), "{extra}: {text}");
        }
        bistro(&field("3650")).expect("ten years is allowed");
        bistro(&consent("3650")).expect("ten years is allowed");

        let clinic = |duration: &str| {
            Config::from_toml(
                &format!(
                    r#"
                    [[business]]
                    id = "praxis"
                    name = "Praxis"
                    kind = "clinic"
                    timezone = "Europe/Berlin"
                    services = [{{ id = "check", name = {{ en = "Check-up" }}, duration_minutes = {duration} }}]
                    practitioners = [{{ id = "a", name = "A", services = ["check"] }}]
                    "#
                ),
                Path::new("."),
            )
        };
        clinic("30").expect("valid");
        let text = clinic("4000000000").expect_err("refused").to_string();
        assert!(text.contains("duration_minutes"), "{text}");

        let sweep = |minutes: &str| {
            Config::from_toml(
                &format!("sweep_interval_minutes = {minutes}"),
                Path::new("."),
            )
        };
        sweep("60").expect("valid");
        let text = sweep(&u64::MAX.to_string())
            .expect_err("refused")
            .to_string();
        assert!(text.contains("sweep_interval_minutes"), "{text}");

        let audit = |days: &str| {
            Config::from_toml(&format!("audit_retention_days = {days}"), Path::new("."))
        };
        assert_eq!(
            Config::from_toml("", Path::new("."))
                .expect("valid")
                .audit_retention_days,
            400
        );
        assert_eq!(audit("3650").expect("valid").audit_retention_days, 3650);
        for days in ["3651", "4000000000"] {
            let text = audit(days).expect_err("refused").to_string();
            assert!(text.contains("audit_retention_days"), "{text}");
        }
    }

    #[test]
    fn the_cancellation_deadline_and_the_phone_are_checked_at_load() {
        let config = bistro("").expect("valid");
        assert_eq!(config.businesses[0].profile.cancellation.until_hours, 0);
        assert_eq!(config.businesses[0].phone, None);
        let config = bistro(
            r#"cancel_until_hours = 24
                phone = "+33 1 23 45 67 89""#,
        )
        .expect("valid");
        assert_eq!(config.businesses[0].profile.cancellation.until_hours, 24);
        assert_eq!(
            config.businesses[0].phone.as_deref(),
            Some("+33 1 23 45 67 89")
        );
        for extra in ["cancel_until_hours = 721", "cancel_until_hours = -1"] {
            let text = reason(extra);
            assert!(text.contains("cancel_until_hours"), "{extra}: {text}");
        }
        for phone in ["call us", "12", "+33 1 23+45", "<script>"] {
            let text = reason(&format!("phone = {phone:?}"));
            assert!(text.contains("phone"), "{phone}: {text}");
        }
    }

    #[test]
    fn own_texts_are_kept_by_language_and_section() {
        let config = bistro(
            r#"[business.texts.es.visitor]
            Heading = "Reserve su mesa"
            People = { one = "{n} comensal", other = "{n} comensales" }
            [business.texts.en.banner]
            title = "Cookies at Chez Nous"
            [business.texts.fr.messages]
            Hello = "Bonjour et merci,""#,
        )
        .expect("valid");
        let texts = &config.businesses[0].texts;
        assert_eq!(
            texts.named(Section::Visitor, Lang::Es)["Heading"],
            "Reserve su mesa"
        );
        assert_eq!(
            texts.named(Section::Visitor, Lang::Es)["People.other"],
            "{n} comensales"
        );
        assert_eq!(
            texts.named(Section::Banner, Lang::En)["title"],
            "Cookies at Chez Nous"
        );
        assert_eq!(
            texts.named(Section::Messages, Lang::Fr)["Hello"],
            "Bonjour et merci,"
        );
        assert!(texts.slots(Section::Visitor, Lang::Fr).is_empty());
        assert_eq!(texts.served_sections(), ["en/banner", "es/visitor"]);
        assert_eq!(
            bistro("").expect("valid").businesses[0].texts,
            OwnTexts::default()
        );
    }

    /// Each refusal names the business, the language, the section and the
    /// key, and says what is wrong.
    #[test]
    fn own_texts_are_checked_at_load() {
        for (extra, says) in [
            (
                "[business.texts.xx.visitor]\nHeading = \"Hi\"",
                &["[business.texts.xx]", "not a language code"][..],
            ),
            (
                "[business.texts.ES.visitor]\nHeading = \"Hola\"",
                &["[business.texts.ES]", "not a language code"],
            ),
            (
                "[business.texts.es-MX.visitor]\nHeading = \"Hola\"",
                &["[business.texts.es-MX]", "not a language code"],
            ),
            (
                "[business.texts.es.footer]\nHeading = \"Hola\"",
                &["[business.texts.es.footer]", "not a section"],
            ),
            (
                "[business.texts.es.loader]\nHeading = \"Hola\"",
                &["[business.texts.es.loader]", "not a section"],
            ),
            (
                "[business.texts.es.visitor]\nHeadline = \"Hola\"",
                &["[business.texts.es.visitor]", "Headline", "not a text"],
            ),
            (
                "[business.texts.es.visitor]\nHeading = \" \"",
                &["[business.texts.es.visitor]", "Heading", "empty"],
            ),
            (
                "[business.texts.pl.visitor]\nPeople = { one = \"{n} gość\", other = \"{n} gości\" }",
                &["[business.texts.pl.visitor]", "People", "few, many"],
            ),
            (
                "[business.texts.es.visitor]\nPeople = { one = \"{n} comensal\", two = \"{n} comensales\" }",
                &["[business.texts.es.visitor]", "People", "one, other"],
            ),
            (
                "[business.texts.es.visitor]\nPeople = \"comensales\"",
                &[
                    "[business.texts.es.visitor]",
                    "People",
                    "depends on a count",
                ],
            ),
            (
                "[business.texts.es.visitor]\nHeading = { one = \"a\", other = \"b\" }",
                &["[business.texts.es.visitor]", "Heading", "plain text"],
            ),
            (
                "[business.texts.es.visitor]\nPeople = { one = \"un comensal\", other = \"{n} comensales\" }",
                &[
                    "[business.texts.es.visitor]",
                    "People",
                    "placeholders",
                    "{n}",
                ],
            ),
            (
                "[business.texts.fr.messages]\nPhone = \"Appelez-nous\"",
                &[
                    "[business.texts.fr.messages]",
                    "Phone",
                    "placeholders",
                    "{phone}",
                ],
            ),
        ] {
            let text = reason(extra);
            assert!(text.starts_with("business bistro: "), "{extra}: {text}");
            for part in says {
                assert!(text.contains(part), "{extra}: {text} lacks {part}");
            }
        }
        for not_a_text in ["Heading = 3", "Heading = [\"a\"]", "People = { one = 1 }"] {
            assert!(
                matches!(
                    bistro(&format!("[business.texts.es.visitor]\n{not_a_text}")),
                    Err(ConfigError::Parse { .. })
                ),
                "{not_a_text}"
            );
        }
    }

    #[test]
    fn origins_are_what_browsers_send() {
        for origin in [
            "https://www.example.com",
            "http://127.0.0.1:8080",
            "https://bistro.example",
        ] {
            assert!(is_origin(origin), "{origin}");
        }
        for not_an_origin in [
            "https://www.example.com/",
            "https://www.example.com/book",
            "www.example.com",
            "ftp://example.com",
            "https://",
            "https://user@example.com",
            "*",
        ] {
            assert!(!is_origin(not_an_origin), "{not_an_origin}");
        }
    }

    #[test]
    fn business_ids_are_url_safe() {
        assert!(is_url_safe_id("bistro-du-coin"));
        assert!(is_url_safe_id("praxis-2"));
        for id in ["", "Bistro", "a/b", "café", "a b", &"x".repeat(65)] {
            assert!(!is_url_safe_id(id), "{id:?}");
        }
    }
}

//! The booking plaintext type against the plaintexts that exist: the widget's
//! (exhaustively in the widget crate's own tests), the frozen envelope vectors',
//! newer writers' with members this version does not know, and its own output.

use sealbook_wire::plaintext::{Booking, Contact, Kind, Marketing, Source, V1, VisitorCopy};
use serde_json::{Value, json};

fn read(json: &Value) -> Booking {
    Booking::from_plaintext(json.to_string().as_bytes()).expect("a booking")
}

/// What `to_plaintext` wrote, as a JSON value (member order aside).
fn written(booking: &Booking) -> Value {
    serde_json::from_slice(&booking.to_plaintext()).expect("JSON")
}

#[test]
fn a_restaurant_booking_reads_as_the_widget_wrote_it() {
    let text = r#"{"v":1,"kind":"restaurant","name":"Camille \"Cam\" Dupont","contact":{"phone":"+33 6 12 34 56 78"},"party_size":4,"start":"2026-12-04T18:30:00Z","note":"Allergie: noix","health_consent":true,"marketing":{"sms":true,"email":false},"consent_id":"kP3x_9Qz-LmN0aBcDeFgHi","lang":"fr"}"#;
    let booking = Booking::from_plaintext(text.as_bytes()).expect("a booking");
    assert_eq!(booking.version, Some(V1));
    assert_eq!(booking.kind, Some(Kind::Restaurant));
    assert_eq!(booking.source, Source::Visitor);
    assert_eq!(booking.display_name(), "Camille \"Cam\" Dupont");
    assert_eq!(
        booking.contact_lines().collect::<Vec<_>>(),
        ["+33 6 12 34 56 78"]
    );
    assert_eq!(booking.party_size, Some(4));
    assert_eq!(booking.notes().collect::<Vec<_>>(), ["Allergie: noix"]);
    assert_eq!(booking.health_consent, Some(true));
    assert_eq!(booking.marketing_email(), Some(false));
    assert_eq!(booking.marketing_sms(), Some(true));
    assert_eq!(
        booking.consent_id.as_deref(),
        Some("kP3x_9Qz-LmN0aBcDeFgHi")
    );
    assert_eq!(booking.lang.as_deref(), Some("fr"));
    assert!(booking.extra.is_empty(), "{:?}", booking.extra);
    // The type writes the widget's members in the widget's order (only the
    // marketing answers follow the type's order, not the offered one).
    let again = String::from_utf8(booking.to_plaintext()).expect("UTF-8");
    assert_eq!(
        again,
        text.replace(
            r#"{"sms":true,"email":false}"#,
            r#"{"email":false,"sms":true}"#
        )
    );
}

#[test]
fn a_clinic_booking_reads_as_the_widget_wrote_it() {
    let text = r#"{"v":1,"kind":"clinic","name":"Jürgen","contact":{"email":"j@example.de"},"service":"physio-30","practitioner":"any","start":"2026-12-04T09:00:00Z","reason":"Knie\nschmerzen","health_consent":true,"lang":"de"}"#;
    let booking = Booking::from_plaintext(text.as_bytes()).expect("a booking");
    assert_eq!(booking.kind, Some(Kind::Clinic));
    assert_eq!(booking.service.as_deref(), Some("physio-30"));
    assert_eq!(booking.practitioner.as_deref(), Some("any"));
    assert_eq!(booking.party_size, None);
    assert_eq!(
        booking.contact_lines().collect::<Vec<_>>(),
        ["j@example.de"]
    );
    assert_eq!(booking.notes().collect::<Vec<_>>(), ["Knie\nschmerzen"]);
    assert_eq!(booking.marketing, None);
    assert_eq!(booking.marketing_email(), None, "no box offered");
    assert_eq!(booking.to_plaintext(), text.as_bytes());
}

#[test]
fn a_plaintext_without_a_version_reads_as_version_one_and_stays_without() {
    let booking = read(&json!({ "name": "Ada", "party": 2 }));
    assert_eq!(booking.version, None);
    assert_eq!(booking.display_name(), "Ada");
    assert_eq!(written(&booking), json!({ "name": "Ada", "party": 2 }));
}

#[test]
fn other_versions_and_mistyped_members_are_refused() {
    for refused in [
        json!({ "v": 2 }),
        json!({ "v": 0 }),
        json!({ "v": "1" }),
        json!({ "v": 1.5 }),
        json!({ "v": 1, "name": 5 }),
        json!({ "v": 1, "party_size": -1 }),
        json!({ "v": 1, "contact": "+33 6" }),
        json!({ "v": 1, "marketing": { "email": "yes" } }),
        json!({ "v": 1, "kind": "garage" }),
        json!({ "v": 1, "source": "robot" }),
        json!([1]),
        json!("a booking"),
    ] {
        assert!(
            Booking::from_plaintext(refused.to_string().as_bytes()).is_err(),
            "{refused}"
        );
    }
    assert!(Booking::from_plaintext(b"not json").is_err());
}

#[test]
fn the_source_is_the_visitor_unless_the_plaintext_says_staff() {
    let visitor = read(&json!({ "v": 1 }));
    assert_eq!(visitor.source, Source::Visitor);
    assert_eq!(
        written(&visitor),
        json!({ "v": 1 }),
        "the default is not written"
    );
    let staff = read(&json!({ "v": 1, "source": "staff" }));
    assert_eq!(staff.source, Source::Staff);
    assert_eq!(written(&staff), json!({ "v": 1, "source": "staff" }));
    assert_eq!(
        read(&json!({ "source": "visitor" })).source,
        Source::Visitor
    );
}

#[test]
fn a_block_reads_with_its_label_and_keeps_what_it_does_not_know() {
    let written_by_staff = json!({
        "v": 1, "kind": "restaurant", "source": "staff",
        "block": { "label": "Private party", "room": "terrace" },
        "party_size": 8, "start": "2026-12-04T18:30:00Z"
    });
    let block = read(&written_by_staff);
    assert_eq!(block.source, Source::Staff);
    let marker = block.block.as_ref().expect("a block");
    assert_eq!(marker.label, "Private party");
    assert_eq!(marker.extra["room"], "terrace");
    assert_eq!(
        written(&block),
        written_by_staff,
        "nothing lost, nothing added"
    );
    assert!(read(&json!({ "v": 1 })).block.is_none());
    assert!(
        Booking::from_plaintext(br#"{"v":1,"block":{"label":7}}"#).is_err(),
        "a label is text"
    );
}

#[test]
fn members_this_version_does_not_know_are_kept_and_written_back() {
    let newer = json!({
        "v": 1, "kind": "restaurant", "name": "Ada", "start": "2026-12-04T18:30:00Z",
        "contact": { "phone": "+33 6", "signal": "@ada.01" },
        "marketing": { "email": true, "post": false },
        "allergens": ["peanuts", "sesame"], "high_chair": 1,
        "visit": { "occasion": "birthday", "cake": true }, "lang": "fr"
    });
    let booking = read(&newer);
    assert_eq!(booking.extra["allergens"], json!(["peanuts", "sesame"]));
    assert_eq!(booking.extra["high_chair"], json!(1));
    assert_eq!(booking.extra["visit"]["occasion"], "birthday");
    let contact = booking.contact.as_ref().expect("a contact");
    assert_eq!(contact.extra["signal"], "@ada.01");
    assert_eq!(
        booking.contact_lines().collect::<Vec<_>>(),
        ["+33 6"],
        "only known channels are shown"
    );
    let marketing = booking.marketing.as_ref().expect("answers");
    assert_eq!(marketing.extra["post"], false);
    assert_eq!(written(&booking), newer, "nothing lost, nothing added");
    assert_eq!(
        Booking::from_plaintext(&booking.to_plaintext()).expect("again"),
        booking
    );
}

#[test]
fn a_null_member_reads_as_absent() {
    let booking = read(&json!({ "v": 1, "name": null, "marketing": null }));
    assert_eq!(booking.name, None);
    assert_eq!(booking.marketing, None);
    assert_eq!(booking.display_name(), "");
}

/// The assertions the manage page made on its own reader, now on the type.
#[test]
fn visitor_copies_are_read() {
    let copy = VisitorCopy::from_plaintext(
        br#"{"v":1,"kind":"restaurant","name":"Ada","contact":{"phone":"+33 6"},"party_size":4,"start":"2026-12-04T18:00:00Z","lang":"fr"}"#,
    )
    .expect("booking");
    assert_eq!(copy.booking.display_name(), "Ada");
    assert_eq!(
        copy.booking.contact,
        Some(Contact {
            phone: Some("+33 6".to_owned()),
            ..Contact::default()
        })
    );
    assert_eq!(copy.booking.lang.as_deref(), Some("fr"));
    assert!(copy.pins.is_empty());
    let pinned =
        VisitorCopy::from_plaintext(br#"{"v":1,"pins":["sha256:a","sha256:b"]}"#).expect("booking");
    assert_eq!(pinned.pins, ["sha256:a", "sha256:b"]);
    assert!(VisitorCopy::from_plaintext(b"{\"v\":2}").is_err());
    assert!(VisitorCopy::from_plaintext(b"not json").is_err());
}

#[test]
fn a_visitor_copy_is_the_booking_and_its_pins() {
    let text = json!({
        "v": 1, "kind": "clinic", "name": "Jürgen", "service": "physio-30",
        "practitioner": "anna", "start": "2026-12-04T09:00:00Z", "lang": "de",
        "future": { "a": [1, 2] },
        "pins": ["sha256:vOnD0T8K_Rzrrt5yyP7G5KIZiAk-zmsco-C0oRJfUdU"]
    });
    let copy = VisitorCopy::from_plaintext(text.to_string().as_bytes()).expect("a copy");
    assert_eq!(copy.pins.len(), 1);
    assert!(
        !copy.booking.extra.contains_key("pins"),
        "the pins are the copy's, not the booking's"
    );
    assert_eq!(copy.booking.extra["future"], json!({ "a": [1, 2] }));
    let again: Value = serde_json::from_slice(&copy.to_plaintext()).expect("JSON");
    assert_eq!(again, text);
    // What the manage page seals to the business: the same booking without the pins.
    let mut booking = text;
    booking.as_object_mut().expect("object").remove("pins");
    assert_eq!(written(&copy.booking), booking);
    // A booking envelope's plaintext read as a copy has no pins.
    let unpinned = VisitorCopy::from_plaintext(&copy.booking.to_plaintext()).expect("a copy");
    assert!(unpinned.pins.is_empty());
    assert_eq!(unpinned.booking, copy.booking);
}

/// The frozen envelope vectors (docs/ENVELOPE.md §7) seal plaintexts from before
/// the version marker; they read as version 1, with `party` kept as unknown.
#[test]
fn the_vector_plaintexts_read() {
    let vectors = |text: &str| -> Vec<Value> { serde_json::from_str(text).expect("vectors") };
    let bookings = vectors(include_str!("../../../tests/vectors/v1.json"));
    let copies = vectors(include_str!("../../../tests/vectors/v1-visitor.json"));
    assert!(!bookings.is_empty() && !copies.is_empty());
    let plaintext = |vector: &Value| {
        vector["plaintext"]
            .as_str()
            .expect("a plaintext")
            .as_bytes()
            .to_vec()
    };
    for vector in &bookings {
        let bytes = plaintext(vector);
        let booking = Booking::from_plaintext(&bytes).expect("the vector reads");
        assert_eq!(booking.version, None, "{}", vector["name"]);
        assert!(!booking.display_name().is_empty(), "{}", vector["name"]);
        assert!(booking.start.is_some(), "{}", vector["name"]);
        assert_eq!(booking.contact_lines().count(), 1, "{}", vector["name"]);
        assert_eq!(booking.notes().count(), 1, "{}", vector["name"]);
        let original: Value = serde_json::from_slice(&bytes).expect("JSON");
        assert_eq!(written(&booking), original, "{}", vector["name"]);
    }
    let restaurant = Booking::from_plaintext(&plaintext(&bookings[0])).expect("reads");
    assert_eq!(restaurant.display_name(), "Camille Dupont");
    assert_eq!(restaurant.extra["party"], 4);
    for vector in &copies {
        let copy = VisitorCopy::from_plaintext(&plaintext(vector)).expect("the vector reads");
        assert_eq!(copy.booking.display_name(), "Jürgen Groß");
        assert_eq!(copy.booking.service.as_deref(), Some("physio-30"));
        assert!(copy.pins.is_empty());
    }
}

#[test]
fn a_new_booking_is_written_with_the_marker() {
    let booking = Booking {
        version: Some(V1),
        kind: Some(Kind::Restaurant),
        source: Source::Staff,
        name: Some("Ada".to_owned()),
        party_size: Some(2),
        marketing: Some(Marketing {
            email: Some(false),
            ..Marketing::default()
        }),
        ..Booking::default()
    };
    assert_eq!(
        String::from_utf8(booking.to_plaintext()).expect("UTF-8"),
        r#"{"v":1,"kind":"restaurant","source":"staff","name":"Ada","party_size":2,"marketing":{"email":false}}"#
    );
}

#[cfg(not(target_family = "wasm"))]
mod round_trip {
    use proptest::prelude::*;
    use sealbook_wire::plaintext::{
        Block, Booking, Contact, Kind, Marketing, Source, V1, VisitorCopy,
    };
    use serde_json::{Map, Value};

    /// Members of `Booking`, `Contact`, `Marketing` and `Block`: a generated
    /// unknown member must not be one of them.
    const KNOWN: [&str; 19] = [
        "v",
        "kind",
        "source",
        "block",
        "label",
        "name",
        "contact",
        "party_size",
        "service",
        "practitioner",
        "start",
        "note",
        "reason",
        "health_consent",
        "marketing",
        "consent_id",
        "lang",
        "phone",
        "email",
    ];

    fn text() -> impl Strategy<Value = String> {
        // Any characters, control characters and quotes included.
        any::<String>()
    }

    fn json_value() -> impl Strategy<Value = Value> {
        // Integers only: a float need not come back as the same bits.
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            text().prop_map(Value::from),
        ];
        leaf.prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
                proptest::collection::btree_map(text(), inner, 0..4)
                    .prop_map(|map| Value::Object(map.into_iter().collect())),
            ]
        })
    }

    fn unknown_members() -> impl Strategy<Value = Map<String, Value>> {
        proptest::collection::btree_map(
            text().prop_filter("an unknown member", |key| {
                !KNOWN.contains(&key.as_str()) && key != "sms" && key != "pins"
            }),
            json_value(),
            0..3,
        )
        .prop_map(|map| map.into_iter().collect())
    }

    fn contact() -> impl Strategy<Value = Contact> {
        (
            proptest::option::of(text()),
            proptest::option::of(text()),
            unknown_members(),
        )
            .prop_map(|(phone, email, extra)| Contact {
                phone,
                email,
                extra,
            })
    }

    fn marketing() -> impl Strategy<Value = Marketing> {
        (
            proptest::option::of(any::<bool>()),
            proptest::option::of(any::<bool>()),
            unknown_members(),
        )
            .prop_map(|(email, sms, extra)| Marketing { email, sms, extra })
    }

    fn block() -> impl Strategy<Value = Block> {
        (text(), unknown_members()).prop_map(|(label, extra)| Block { label, extra })
    }

    prop_compose! {
        fn booking()(
            version in proptest::option::of(Just(V1)),
            kind in proptest::option::of(prop_oneof![Just(Kind::Restaurant), Just(Kind::Clinic)]),
            (source, block) in (
                prop_oneof![Just(Source::Visitor), Just(Source::Staff)],
                proptest::option::of(block()),
            ),
            name in proptest::option::of(text()),
            contact in proptest::option::of(contact()),
            party_size in proptest::option::of(any::<u32>()),
            (service, practitioner, start) in (
                proptest::option::of(text()),
                proptest::option::of(text()),
                proptest::option::of(text()),
            ),
            (note, reason, health_consent) in (
                proptest::option::of(text()),
                proptest::option::of(text()),
                proptest::option::of(any::<bool>()),
            ),
            marketing in proptest::option::of(marketing()),
            (consent_id, lang) in (proptest::option::of(text()), proptest::option::of(text())),
            extra in unknown_members(),
        ) -> Booking {
            Booking {
                version, kind, source, block, name, contact, party_size, service, practitioner,
                start, note, reason, health_consent, marketing, consent_id, lang, extra,
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn a_booking_reads_back_as_written(booking in booking()) {
            let bytes = booking.to_plaintext();
            prop_assert_eq!(Booking::from_plaintext(&bytes).expect("reads back"), booking);
        }

        #[test]
        fn a_visitor_copy_reads_back_as_written(
            booking in booking(),
            pins in proptest::collection::vec(text(), 0..3),
        ) {
            let copy = VisitorCopy { booking, pins };
            let bytes = copy.to_plaintext();
            prop_assert_eq!(VisitorCopy::from_plaintext(&bytes).expect("reads back"), copy);
        }

        /// Whatever a newer writer adds survives a reader that re-seals.
        #[test]
        fn unknown_members_survive_a_read_and_a_write(booking in booking()) {
            let original: Value = serde_json::to_value(&booking).expect("a value");
            let read = Booking::from_plaintext(original.to_string().as_bytes()).expect("reads");
            let again: Value = serde_json::from_slice(&read.to_plaintext()).expect("JSON");
            prop_assert_eq!(again, original);
        }
    }
}

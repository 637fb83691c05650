//! The crisis plan's vocabulary: categories, severities, response levels and languages.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! named_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $var:ident = $s:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name { $($(#[$vm])* #[serde(rename = $s)] $var),+ }
        impl $name {
            /// Every value, in the plan's order.
            pub const ALL: &'static [$name] = &[$($name::$var),+];
            /// How many values there are: the length of a table with one entry per value.
            pub const COUNT: usize = $name::ALL.len();
            /// The name used in plans, verdicts and the CLI.
            pub fn as_str(self) -> &'static str { match self { $($name::$var => $s),+ } }
            /// Parses the name used in plans; `None` for anything else.
            pub fn parse(s: &str) -> Option<Self> { match s { $($s => Some($name::$var),)+ _ => None } }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { f.pad(self.as_str()) }
        }
    };
}

named_enum! {
    /// What a message is about, in the crisis plan's terms. A message can carry several.
    Category {
        /// Mocks, demeans or attacks a group of people (origin, religion, gender, sexuality, disability, age…).
        IdentityAttack = "identity_attack",
        /// Accuses the brand of exploiting a tragedy, an event, a cause or figures to sell, or of tone-deaf messaging.
        InsensitivityBacklash = "insensitivity_backlash",
        /// Spreads false or dangerous information.
        Misinformation = "misinformation",
        /// Asserts crimes or grave wrongdoing as fact about the brand, its staff or a person.
        DefamationRisk = "defamation_risk",
        /// Reports staff behaving badly.
        EmployeeMisconduct = "employee_misconduct",
        /// A product hazard, injury, contamination, recall, or an outage touching many people.
        SafetyIncident = "safety_incident",
        /// A threat of violence or of self-harm.
        Threat = "threat",
        /// Insults or profanity at the brand or the agent, with no group attacked.
        Abuse = "abuse",
        /// Dissatisfaction with a product or service.
        Complaint = "complaint",
        /// Asks for information or help.
        Question = "question",
        /// Thanks, compliments.
        Praise = "praise",
        Other = "other",
    }
}

impl Category {
    /// The plan's crisis-risk categories: the ones that can become a crisis on their own.
    pub fn is_crisis_risk(self) -> bool {
        matches!(
            self,
            Category::IdentityAttack
                | Category::InsensitivityBacklash
                | Category::Misinformation
                | Category::DefamationRisk
                | Category::EmployeeMisconduct
                | Category::SafetyIncident
                | Category::Threat
        )
    }

    pub fn index(self) -> usize {
        self as usize
    }
}

/// One value per category, indexed by [`Category::index`] (the plan's order).
pub type PerCategory<T> = [T; Category::COUNT];

named_enum! {
    /// The plan's "problem vs crisis".
    Severity {
        Routine = "routine",
        Problem = "problem",
        Crisis = "crisis",
    }
}

impl Severity {
    /// One level up, as an active incident does to messages about it.
    pub fn raised(self) -> Severity {
        match self {
            Severity::Routine => Severity::Problem,
            _ => Severity::Crisis,
        }
    }
}

named_enum! {
    /// The plan's "level of response".
    Response {
        /// Answer publicly with a template.
        Reply = "reply",
        /// Answer, and move the conversation to private messages.
        ReplyPrivate = "reply_private",
        /// Hand over to the crisis team, legal or security.
        Escalate = "escalate",
        /// Hide or report under the platform's rules; do not debate.
        Moderate = "moderate",
        /// Watch; no answer needed now.
        Monitor = "monitor",
    }
}

named_enum! {
    /// The plan's signal lists: words that change how other words count (negation, reported
    /// speech) or what a message weighs (its reach, how many people it touches).
    Signal {
        /// "ce n'est pas une arnaque": the term after it does not count.
        Negation = "negation",
        /// "he called me an idiot": the words are someone else's, so they count less.
        ReportedSpeech = "reported_speech",
        /// The author speaks to many ("I'll post this everywhere", a journalist).
        Reach = "reach",
        /// Many people are touched ("we are all without service").
        ManyAffected = "many_affected",
    }
}

impl Signal {
    /// Negation and reported speech weigh other words; they are never evidence of their own.
    pub fn weighs_other_words(self) -> bool {
        matches!(self, Signal::Negation | Signal::ReportedSpeech)
    }
}

named_enum! {
    /// Languages the default plan ships lexicons and templates for.
    Lang {
        Fr = "fr",
        En = "en",
    }
}

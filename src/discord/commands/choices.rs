//! The closed lists offered as choices. Each is registered as string
//! choices whose value is the word itself, so what Discord sends is what
//! the annotation language reads, and a client holding an older
//! registration can never send an index that now means another word.

use std::borrow::Cow;
use std::marker::PhantomData;

use poise::{ChoiceParameter, CommandParameterChoice, SlashArgument};
use serenity::all as dc;

use super::Text;

/// An option offered as the choices of `T`, holding the word picked.
///
/// poise's own choice parameters register indexes; this registers the
/// words. An index is still read (a harness written for poise's way sends
/// one), and a value that is none of the words is passed on as text: the
/// annotation parser then says which words it takes.
#[derive(Debug, Clone)]
pub struct Choice<T> {
    word: String,
    of: PhantomData<T>,
}

#[poise::async_trait]
impl<T: ChoiceParameter + Send + Sync> SlashArgument for Choice<T> {
    async fn extract(
        _: &dc::Context,
        _: &dc::CommandInteraction,
        value: &dc::ResolvedValue<'_>,
    ) -> Result<Self, poise::SlashArgError> {
        Ok(Choice {
            word: word_of::<T>(value),
            of: PhantomData,
        })
    }

    fn create(builder: dc::CreateCommandOption) -> dc::CreateCommandOption {
        T::list()
            .iter()
            .fold(builder.kind(dc::CommandOptionType::String), |b, c| {
                b.add_string_choice(c.name.as_ref(), c.name.as_ref())
            })
    }

    /// None for poise to register: [`Choice::create`] adds the words.
    fn choices() -> Cow<'static, [CommandParameterChoice]> {
        Cow::Borrowed(&[])
    }
}

/// The word a choice option's value stands for, or the value as text.
fn word_of<T: ChoiceParameter>(value: &dc::ResolvedValue<'_>) -> String {
    match value {
        dc::ResolvedValue::Integer(i) => usize::try_from(*i)
            .ok()
            .and_then(T::from_index)
            .map_or_else(|| i.to_string(), |c| c.name().to_string()),
        dc::ResolvedValue::String(word) => word.to_string(),
        dc::ResolvedValue::Number(n) => n.to_string(),
        dc::ResolvedValue::Boolean(b) => b.to_string(),
        _ => String::new(),
    }
}

impl<T> Text for Choice<T> {
    fn text(self) -> Option<String> {
        Some(self.word)
    }
}

/// A phase of the incident.
#[derive(Debug, Clone, Copy, ChoiceParameter)]
pub enum Phase {
    #[name = "detect"]
    Detect,
    #[name = "escalate"]
    Escalate,
    #[name = "mitigate"]
    Mitigate,
    #[name = "resolve"]
    Resolve,
}

/// A metric mark.
#[derive(Debug, Clone, Copy, ChoiceParameter)]
pub enum Mark {
    #[name = "started"]
    Started,
    #[name = "detected"]
    Detected,
    #[name = "acknowledged"]
    Acknowledged,
    #[name = "mitigated"]
    Mitigated,
    #[name = "resolved"]
    Resolved,
}

/// What a control is for.
#[derive(Debug, Clone, Copy, ChoiceParameter)]
pub enum ControlType {
    #[name = "preventive"]
    Preventive,
    #[name = "detective"]
    Detective,
    #[name = "containment"]
    Containment,
}

/// How a control did.
#[derive(Debug, Clone, Copy, ChoiceParameter)]
pub enum ControlOutcome {
    #[name = "worked"]
    Worked,
    #[name = "missed"]
    Missed,
    #[name = "failed"]
    Failed,
}

/// Whether an event is a key event.
#[derive(Debug, Clone, Copy, ChoiceParameter)]
pub enum YesNo {
    #[name = "yes"]
    Yes,
    #[name = "no"]
    No,
}

/// An incident's status; `active` reopens a published one.
#[derive(Debug, Clone, Copy, ChoiceParameter)]
pub enum Status {
    #[name = "active"]
    Active,
    #[name = "published"]
    Published,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_index_gives_its_word_and_anything_else_passes_as_text() {
        let word = |v: dc::ResolvedValue<'_>| word_of::<Phase>(&v);
        assert_eq!(word(dc::ResolvedValue::Integer(2)), "mitigate");
        assert_eq!(word(dc::ResolvedValue::String("resolve")), "resolve");
        assert_eq!(word(dc::ResolvedValue::Integer(9)), "9");
        assert_eq!(word(dc::ResolvedValue::Integer(-1)), "-1");
        assert_eq!(
            word_of::<ControlOutcome>(&dc::ResolvedValue::Integer(1)),
            "missed"
        );
    }

    #[test]
    fn choices_are_registered_as_their_words() {
        let option = dc::CreateCommandOption::new(dc::CommandOptionType::Integer, "mark", "which");
        let json = serde_json::to_value(Choice::<Mark>::create(option)).unwrap();
        assert_eq!(json["type"], 3);
        let choices = json["choices"].as_array().unwrap();
        assert_eq!(choices.len(), 5);
        assert_eq!(choices[2]["name"], "acknowledged");
        assert_eq!(choices[2]["value"], "acknowledged");
        assert!(Choice::<Mark>::choices().is_empty());
    }
}

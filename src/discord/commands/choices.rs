//! The closed lists offered as choices. poise registers each choice
//! with its index as the value; the word it names is what the
//! annotation language reads.

use std::borrow::Cow;
use std::marker::PhantomData;

use poise::{ChoiceParameter, CommandParameterChoice, SlashArgument};
use serenity::all as dc;

use super::Text;

/// An option offered as the choices of `T`, holding the word picked.
///
/// Discord's client sends the index poise registered. A payload that
/// sends the word itself (an older registration offered words), or an
/// index out of range, is passed on as text too: the annotation parser
/// then accepts the word or says which ones it takes, so no value is
/// refused here without a reason.
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
        builder.kind(dc::CommandOptionType::Integer)
    }

    fn choices() -> Cow<'static, [CommandParameterChoice]> {
        T::list()
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
    fn choices_are_registered_in_order_as_integers() {
        let names: Vec<String> = Choice::<Mark>::choices()
            .iter()
            .map(|c| c.name.to_string())
            .collect();
        assert_eq!(names[0], "started");
        assert_eq!(names.len(), 5);
    }
}

//! The French an agent reads about a search: the sentence for a UAI typed with a wrong or
//! missing check letter.

use crate::model::uai::UaiError;

use super::UaiCorrection;

impl UaiCorrection {
    /// The French sentence an agent reads, the same as for a UAI typed in a form.
    pub fn message(&self) -> String {
        let expected = self.expected_letter();
        match self.wrong_letter() {
            Some(found) => UaiError::WrongLetter { found, expected },
            None => UaiError::MissingLetter { expected },
        }
        .message()
    }
}

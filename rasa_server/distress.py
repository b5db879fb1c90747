"""Distress (policy v2, outside triage): the one place that decides a message is about suicide
or self-harm. A registered NLU component (`config.yml` lists it after the intent classifier).

A trained classifier can miss a rare message, or call it "stop", and in cross-validation it
called "I can't feel it when I wipe" distress, which must get its emergency advice instead. So
the vocabulary's phrases decide (`pht/language/distress.py`: plain regular expressions a
reviewer can read), and only they:
- a message with the phrases is the intent `distress` (confidence 1, alone in the ranking, so
  the FallbackClassifier after it keeps it), whatever the classifier said;
- a message the classifier alone called `distress` is what the classifier would have said
  without it: the next intent of its ranking (the FallbackClassifier then judges that one as
  any other; with no other, `nlu_fallback`).
The action server trusts the intent (`actions/forms.py`, `is_distress`): it does not decide again.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from pht.language.distress import DISTRESS_INTENT, suggests_distress

DISTRESS = {INTENT_NAME_KEY: DISTRESS_INTENT, PREDICTED_CONFIDENCE_KEY: 1.0}


def distress_ranking(text: Text, ranking: List[Dict[Text, Any]]) -> List[Dict[Text, Any]]:
    """The intent ranking of a message once its distress is decided; the first is its intent."""
    if suggests_distress(text or ""):
        return [dict(DISTRESS)]
    kept = [intent for intent in ranking if intent.get(INTENT_NAME_KEY) != DISTRESS_INTENT]
    if ranking and not kept:
        return [{INTENT_NAME_KEY: DEFAULT_NLU_FALLBACK_INTENT_NAME, PREDICTED_CONFIDENCE_KEY: 0.0}]
    return kept


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class DistressRecogniser(GraphComponent):
    """Sets the intent `distress` from the vocabulary's phrases, and only from them."""

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "DistressRecogniser":
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            intent: Optional[Dict[Text, Any]] = message.get(INTENT)
            ranking = message.get(INTENT_RANKING_KEY) or ([intent] if intent and intent.get(INTENT_NAME_KEY) else [])
            decided = distress_ranking(message.get(TEXT) or "", ranking)
            if decided != ranking:
                message.set(INTENT, decided[0], add_to_output=True)
                message.set(INTENT_RANKING_KEY, decided, add_to_output=True)
        return messages

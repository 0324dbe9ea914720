"""Optional synthesis mode: a chat model writes the answer, citebot checks it before anyone sees it.

Off unless `llm_model` is configured. The modules are split so the grounding logic can be
tested without any network:

- `prompt`: the messages sent to the model (numbered passages, fenced as data).
- `validate`: sentence splitting and the checks every sentence must pass.
- `model`: building the LangChain chat model from settings; error descriptions without secrets.
- `synthesis`: the streaming pipeline (model -> sentences -> checks -> events) and its result.
"""

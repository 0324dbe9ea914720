"""Build the LangChain chat model from settings, and describe its failures without secrets.

Everything the client needs is passed explicitly: `ChatOpenAI` would otherwise read
`OPENAI_API_KEY` / `OPENAI_BASE_URL` from the environment, and an operator's OpenAI key must not
be sent to a local or third-party server they pointed citebot at. Retries with exponential
backoff on timeouts, 429 and 5xx (honouring `Retry-After`) are the OpenAI client's own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.errors import ConfigError

if TYPE_CHECKING:
    from langchain_core.language_models.chat_models import BaseChatModel

    from bot.settings import Settings

OPENAI_URL = "https://api.openai.com/v1"
_NO_KEY = "not-needed"  # local servers (Ollama, vLLM) ignore the key, but the client insists on one


def llm_configured(settings: Settings) -> bool:
    """Synthesis is off unless an operator named a model."""
    return bool(settings.llm_model)


def build_chat_model(settings: Settings, *, http_async_client: Any = None) -> BaseChatModel:
    """The configured chat model; `ConfigError` (a one-line user error) if it cannot be built."""
    if not llm_configured(settings):
        raise ConfigError("no language model is configured; set CITEBOT_LLM_MODEL (and CITEBOT_LLM_BASE_URL), see README")
    base_url = settings.llm_base_url or OPENAI_URL
    key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else ""
    if not key and base_url.rstrip("/") == OPENAI_URL:
        raise ConfigError("the OpenAI API needs a key; set CITEBOT_LLM_API_KEY")
    if settings.llm_provider == "openai-compatible":
        from langchain_openai import ChatOpenAI

        return ChatOpenAI(
            model=settings.llm_model,
            base_url=base_url,
            api_key=key or _NO_KEY,
            organization=None,
            timeout=settings.llm_timeout_s,
            max_retries=settings.llm_max_retries,
            temperature=settings.llm_temperature,
            max_tokens=settings.llm_max_tokens,
            use_responses_api=False,
            http_async_client=http_async_client,
        )
    raise ConfigError(f"unknown LLM provider '{settings.llm_provider}'; use 'openai-compatible'")


def describe_failure(err: BaseException, secret: str | None = None) -> str:
    """A short, key-free reason for a failed model call, for notes and logs.

    Server error bodies are not repeated (a misconfigured proxy may echo the Authorization
    header); only the kind of failure and the HTTP status are kept, and the key is scrubbed
    from whatever remains as a last line of defence.
    """
    import openai

    if isinstance(err, TimeoutError | openai.APITimeoutError):
        reason = "the language model did not answer in time"
    elif isinstance(err, openai.AuthenticationError | openai.PermissionDeniedError):
        reason = f"the language model server refused the API key (HTTP {err.status_code})"
    elif isinstance(err, openai.RateLimitError):
        reason = "the language model server is rate limiting requests (HTTP 429)"
    elif isinstance(err, openai.APIStatusError):
        reason = f"the language model server failed (HTTP {err.status_code})"
    elif isinstance(err, openai.APIConnectionError):
        reason = "the language model server could not be reached"
    elif isinstance(err, openai.APIResponseValidationError | ValueError | KeyError | TypeError):
        reason = "the language model server sent a malformed response"
    else:
        reason = f"the language model call failed ({type(err).__name__})"
    return redact(reason, secret)


def redact(text: str, secret: str | None) -> str:
    return text.replace(secret, "***") if secret else text

"""Running the bot until stopped, and the operator's line for each way it can fail to start.

discord.py, left to itself, turns an unreachable Discord into an "unexpected" error (REST) or an
endless reconnect loop that logs a traceback each time (gateway), and a switched-off intent
into a paragraph about shards. An operator starting `citebot discord` needs one line naming what
could not be reached or what to switch on, and an exit code a supervisor can act on: 4 (a service
is unavailable: retrying later may help) or 2 (configuration: only the operator can fix it).
Once connected, discord.py's own reconnecting handles a dropped connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import ssl

import aiohttp
import discord
import yarl

from bot.discord.client import CitebotDiscord, discord_endpoints
from bot.errors import ConfigError, ServiceUnavailable
from bot.library import Citebot

CONNECT_TIMEOUT_S = 30.0
INTENT_OFF = (
    "Discord refused the Message Content intent, which citebot needs to read questions in @mentions: "
    "in the developer portal (https://discord.com/developers/applications), open your application, "
    "then Bot -> Privileged Gateway Intents, switch on \"Message Content Intent\", save, and start citebot again"
)


def _reason(err: BaseException) -> str:
    """The short cause of a connection failure ("Connect call failed", "Name or service not known")."""
    if isinstance(err, asyncio.TimeoutError):
        return f"no answer within {CONNECT_TIMEOUT_S:g} s"
    cause = getattr(err, "os_error", None) or err
    return getattr(cause, "strerror", None) or str(cause) or type(cause).__name__


async def log_in(client: discord.Client, token: str, api_base: str) -> None:
    """discord.py's REST login, its failures as our errors."""
    try:
        await asyncio.wait_for(client.login(token), CONNECT_TIMEOUT_S)
    except discord.LoginFailure:
        raise ConfigError("Discord rejected the bot token; check DISCORD_TOKEN (copy it again from the developer portal)") from None
    except discord.DiscordServerError as err:
        raise ServiceUnavailable(
            f"Discord's API at {api_base} answered {err.status}; Discord may be having an outage, try again later"
        ) from None
    except (aiohttp.ClientError, OSError, asyncio.TimeoutError) as err:
        raise ServiceUnavailable(
            f"could not reach Discord's API at {api_base} ({_reason(err)}); check this machine's network "
            "connection, DNS, firewall or proxy (and discord_api_base, if you set it)"
        ) from None


async def check_gateway(url: str) -> None:
    """Can this machine open a connection (TCP, and TLS for wss) to the gateway at all?

    Checked once before connecting, because discord.py would retry an unreachable gateway forever.
    Only the transport is tried: no websocket is opened and nothing is sent to Discord.
    """
    address = yarl.URL(url)
    secure = address.scheme in ("wss", "https")
    port = address.port or (443 if secure else 80)
    try:
        _, writer = await asyncio.wait_for(
            asyncio.open_connection(address.host, port, ssl=ssl.create_default_context() if secure else None),
            CONNECT_TIMEOUT_S,
        )
    except (OSError, asyncio.TimeoutError) as err:
        raise ServiceUnavailable(
            f"could not reach Discord's gateway at {url} ({_reason(err)}); check this machine's network connection "
            f"and firewall (outgoing connections to port {port} must be allowed), and discord_gateway_url if you set it"
        ) from None
    writer.close()
    with contextlib.suppress(OSError, ssl.SSLError):
        await writer.wait_closed()


async def serve(citebot: Citebot, token: str) -> None:
    """Run until SIGTERM/SIGINT, then close the gateway connection cleanly."""
    settings = citebot.settings
    with discord_endpoints(settings):
        client = CitebotDiscord(citebot)
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            with contextlib.suppress(NotImplementedError):
                loop.add_signal_handler(sig, lambda: asyncio.ensure_future(client.close()))
        warm = None
        try:
            async with client:
                await log_in(client, token, settings.discord_api_base)
                await check_gateway(settings.discord_gateway_url)
                # Load the embedding model while connecting, so the first question is not the slow one.
                warm = asyncio.ensure_future(asyncio.to_thread(citebot.embedder.embed_query, "warm up"))
                await client.connect()
        except discord.PrivilegedIntentsRequired:
            raise ConfigError(INTENT_OFF) from None
        finally:
            if warm is not None:
                warm.cancel()


__all__ = ["INTENT_OFF", "check_gateway", "log_in", "serve"]

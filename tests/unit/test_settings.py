"""Settings: URLs checked once, secrets hidden when a process says what it runs with."""

from __future__ import annotations

from pathlib import Path

import pytest

from spice.bootstrap.container import build_container
from spice.bootstrap.settings import (
    DISTRIBUTED_REQUIRED,
    Settings,
    SettingsError,
    load_settings,
    mask,
    settings_table,
)


def test_a_url_of_the_wrong_kind_for_its_port_is_refused() -> None:
    with pytest.raises(
        SettingsError, match=r"^SPICE_COMMAND_STATUS_URL: unsupported scheme 'kafka'"
    ):
        load_settings(command_status_url="kafka://127.0.0.1:9092")
    for field, url in [
        ("event_store_url", "postgresql://spice@db/spice"),
        ("command_status_url", "redis://cache:6379/0"),
        ("search_url", "opensearch://search:9200"),
        ("blob_url", "s3://bucket?endpoint=http://s3:9000"),
        ("transport_url", "kafka://broker:9092"),
    ]:
        assert getattr(load_settings(**{field: url}), field) == url


def test_the_environment_is_read_and_named_in_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPICE_MAX_BODY_BYTES", "12")
    with pytest.raises(SettingsError, match=r"^SPICE_MAX_BODY_BYTES: "):
        load_settings()


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        (
            "postgresql://spice:hunter2@db:5432/spice?schema=x",
            "postgresql://spice:***@db:5432/spice?schema=x",
        ),
        (
            "s3://AKIA:very-secret@bucket?endpoint=http://s3:9000",
            "s3://AKIA:***@bucket?endpoint=http://s3:9000",
        ),
        ("redis://cache:6379/0?password=pw", "redis://cache:6379/0?password=***"),
        ("sqlite:////data/events.db", "sqlite:////data/events.db"),
    ],
)
def test_secrets_are_hidden(url: str, shown: str) -> None:
    assert mask(url) == shown


def test_describe_names_every_port(tmp_path: Path) -> None:
    settings = Settings(
        data_dir=tmp_path,
        event_store_url="postgresql://u:pw@db/spice",
        transport_url="kafka://k:9092",
    )
    lines = settings.describe()
    assert lines[0] == "event store: postgresql://u:***@db/spice"
    assert f"documents: sqlite:///{(tmp_path / 'documents.db').resolve()}" in lines
    assert "transport: kafka://k:9092" in lines
    assert not any("pw" in line for line in lines)


def test_the_distributed_profile_needs_its_stores_named() -> None:
    with pytest.raises(SettingsError) as info:
        Settings(transport_url="kafka://k:9092").require_distributed()
    assert "SPICE_EVENT_STORE_URL" in str(info.value)
    assert "SPICE_TRANSPORT_URL" not in str(info.value)


def test_the_settings_table_in_the_docs_matches_the_code() -> None:
    """docs/settings.md holds the table `python -m spice.bootstrap.settings` prints."""
    text = (Path(__file__).resolve().parents[2] / "docs" / "settings.md").read_text()
    start = text.index("<!-- settings table: generated -->\n") + len(
        "<!-- settings table: generated -->\n"
    )
    end = text.index("<!-- end of settings table -->")
    assert text[start:end] == settings_table()
    for name in Settings.model_fields:
        assert f"`SPICE_{name.upper()}`" in text


@pytest.mark.parametrize(("setting", "pragma"), [("NORMAL", 1), ("FULL", 2)])
def test_sqlite_synchronous_reaches_every_embedded_store(
    tmp_path: Path, setting: str, pragma: int
) -> None:
    """SPICE_SQLITE_SYNCHRONOUS is what each SQLite connection of the embedded profile uses."""
    container = build_container(Settings(data_dir=tmp_path, sqlite_synchronous=setting))
    try:
        stores = [container.events, container.registry, container.documents, container.statuses]
        for store in stores:
            with store._db.query() as conn:  # type: ignore[attr-defined]
                assert conn.execute("PRAGMA synchronous").fetchone()[0] == pragma
    finally:
        container.stop()


@pytest.mark.parametrize("secret", ["short", "changeme" * 4, "x" * 32])
def test_a_weak_signing_secret_is_refused(secret: str) -> None:
    with pytest.raises(SettingsError) as info:
        load_settings(auth_secret=secret)
    assert str(info.value).startswith("SPICE_AUTH_SECRET: a secret of 32+ characters")


def test_binding_beyond_loopback_needs_sign_in() -> None:
    for host in ("127.0.0.1", "::1", "localhost"):
        Settings(host=host).require_safe_binding()
        assert Settings(host=host).anonymous_is_local_admin()
    with pytest.raises(SettingsError) as info:
        Settings(host="0.0.0.0").require_safe_binding()
    assert "SPICE_AUTH_SECRET" in str(info.value)
    secured = Settings(host="0.0.0.0", auth_secret="a-long-enough-signing-secret-0123456789")
    secured.require_safe_binding()
    assert not secured.anonymous_is_local_admin()


def test_every_process_of_the_distributed_profile_needs_sign_in() -> None:
    stores = {name: "x://" for name in DISTRIBUTED_REQUIRED}
    with pytest.raises(SettingsError, match="needs sign-in configured: SPICE_AUTH_SECRET"):
        Settings.model_construct(**stores).require_distributed()
    Settings.model_construct(**stores, auth_secret="s" * 40).require_distributed()
    Settings.model_construct(
        **stores, oidc_issuer="https://login.example.com"
    ).require_distributed()


def test_the_distributed_api_needs_sign_in_even_on_loopback() -> None:
    api = Settings(host="127.0.0.1", process="api")
    with pytest.raises(SettingsError) as info:
        api.require_safe_binding()
    assert str(info.value).startswith("the API of the distributed profile needs authentication")
    secured = api.model_copy(update={"auth_secret": "a-long-enough-signing-secret-0123456789"})
    secured.require_safe_binding()
    assert not secured.anonymous_is_local_admin()  # behind a local proxy: not everyone's admin
    assert "localhost" in secured.trusted_hosts()


def test_a_weak_first_admin_password_is_refused() -> None:
    with pytest.raises(SettingsError) as info:
        load_settings(admin_password="admin")
    assert (
        str(info.value) == "SPICE_ADMIN_PASSWORD: a password of 12+ characters, not a known default"
    )

"""How the deployment settings read their values, and what the demo relaxes."""

from __future__ import annotations

import pytest

from wenku import config
from wenku.web import hosts


@pytest.mark.parametrize(
    ("raw", "origin", "hosts_answered"),
    [
        ("https://wenku.example.org", "https://wenku.example.org", ["wenku.example.org"]),
        (" HTTPS://Wenku.Example.org/ ", "https://wenku.example.org", ["wenku.example.org"]),
        ("http://wenku.example.org:8000", "http://wenku.example.org:8000", ["wenku.example.org"]),
        ("https://文库.example", "https://xn--dxtr8m.example", ["xn--dxtr8m.example"]),
        ("https://[2001:db8::1]:8443", "https://[2001:db8::1]:8443", ["[2001:db8::1]"]),
        ("", "", []),
    ],
)
def test_the_site_url_and_the_hosts_it_implies(monkeypatch, raw, origin, hosts_answered):
    monkeypatch.setenv("WENKU_SITE_URL", raw)
    assert config.env_site_url("WENKU_SITE_URL") == origin
    assert config.site_hosts(origin) == [*hosts_answered, "localhost", "127.0.0.1", "[::1]"]


@pytest.mark.parametrize(
    "raw",
    [
        "wenku.example.org",
        "ftp://wenku.example.org",
        "https://",
        "https://wenku.example.org/wenku",
        "https://a:b@c.org",
        "https://wenku.example.org?x=1",
        "https://wenku.example.org:99999",
    ],
)
def test_what_is_not_a_site_url(monkeypatch, raw):
    monkeypatch.setenv("WENKU_SITE_URL", raw)
    with pytest.raises(config.ConfigError, match="is not a site URL"):
        config.env_site_url("WENKU_SITE_URL")


def test_trusted_proxies_are_addresses_and_networks(monkeypatch):
    monkeypatch.setenv("WENKU_TRUSTED_PROXIES", " 127.0.0.1, 10.0.0.0/8 ,::1,, 192.168.1.7/24")
    assert [str(n) for n in config.env_networks("WENKU_TRUSTED_PROXIES")] == [
        "127.0.0.1/32",
        "10.0.0.0/8",
        "::1/128",
        "192.168.1.0/24",
    ]
    monkeypatch.setenv("WENKU_TRUSTED_PROXIES", "10.0.0.0/8, nginx")
    with pytest.raises(config.ConfigError, match="'nginx' is not an IP address"):
        config.env_networks("WENKU_TRUSTED_PROXIES")


@pytest.fixture
def unconfigured(settings, monkeypatch):
    monkeypatch.setattr(hosts, "_demo", False)  # restored after the test, like the settings
    settings.WENKU_SITE_URL, settings.WENKU_ALLOWED_HOSTS = "", []
    settings.ALLOWED_HOSTS = config.site_hosts("")
    return settings


def test_the_demo_on_loopback_keeps_answering_loopback_names_only(unconfigured):
    assert [m.id for m in hosts.check_hosts()] == ["wenku.E002"]
    hosts.serve_demo("127.0.0.1")
    assert hosts.check_hosts() == [] and "*" not in unconfigured.ALLOWED_HOSTS


def test_the_demo_shown_on_a_network_answers_any_host(unconfigured):
    hosts.serve_demo("0.0.0.0")
    assert hosts.check_hosts() == [] and unconfigured.ALLOWED_HOSTS == ["*"]


def test_a_configured_demo_keeps_its_hosts(unconfigured):
    unconfigured.WENKU_SITE_URL = "https://wenku.example.org"
    unconfigured.ALLOWED_HOSTS = config.site_hosts("https://wenku.example.org")
    hosts.serve_demo("0.0.0.0")
    assert unconfigured.ALLOWED_HOSTS[0] == "wenku.example.org" and "*" not in unconfigured.ALLOWED_HOSTS

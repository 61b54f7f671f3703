"""Services the views hand request data to: some build SQL or a shell command from it, or
load it with a deserialiser that can run code."""

import json
import pickle
import subprocess

import yaml

from django.db import connection
from django.shortcuts import redirect
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe


def find_products(term):
    sql = "SELECT id, name FROM shop_product WHERE name LIKE '%%%s%%' ORDER BY id" % term
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [row[1] for row in cursor.fetchall()]


def find_products_relayed(term):
    return find_products(term.strip())


def find_products_safely(term):
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, name FROM shop_product WHERE name LIKE %s ORDER BY id", [f"%{term}%"])
        return [row[1] for row in cursor.fetchall()]


def thumbnail(name):
    return subprocess.run(f"convert {name} thumbnail.png", shell=True, check=False).returncode


def thumbnail_safely(name):
    return subprocess.run(["convert", name, "thumbnail.png"], check=False).returncode


def go_to(url):
    return redirect(url)


def go_to_checked(url, host):
    if not url_has_allowed_host_and_scheme(url, allowed_hosts={host}):
        url = "/"
    return redirect(url)


def highlight(term):
    return mark_safe(f"<mark>{term}</mark>")


def highlight_safely(term):
    return format_html("<mark>{}</mark>", term)


def restore_cart(blob):
    return pickle.loads(blob)


def read_config(upload):
    return yaml.load(upload.read(), Loader=yaml.Loader)


def restore_cart_safely(blob):
    try:
        return json.loads(blob)
    except ValueError:
        return None


def read_config_safely(upload):
    try:
        return yaml.safe_load(upload.read())
    except yaml.YAMLError:
        return None

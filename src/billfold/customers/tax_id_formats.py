"""What a valid value looks like for each tax ID ``type``, and which country it names.

python-stdnum checks the number (format and check digits) wherever it has a module for
that identifier. Where it has none, a pattern checks the shape only, and is kept loose
where a country issues several formats, so that no real number is turned away. Patterns
run on the value upper-cased with spaces, dots, dashes and slashes removed.

Pure functions of the value: no database, no clock.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["FORMATS", "TaxIdFormat", "country_of", "is_valid_tax_id"]

Check = Callable[[str], bool]
_SEPARATORS = re.compile(r"[\s.\-/]")


@dataclass(frozen=True, slots=True)
class TaxIdFormat:
    """How to check one type, and an illustration of its format for error messages."""

    check: Check
    example: str


def _stdnum(path: str) -> Check:
    """``stdnum.<path>.is_valid``, imported on first use (the table names about 70 modules)."""

    def check(value: str) -> bool:
        module = importlib.import_module(f"stdnum.{path}")
        return bool(module.is_valid(value))

    return check


def _compact(value: str) -> str:
    return _SEPARATORS.sub("", value).upper()


def _pattern(regex: str) -> Check:
    compiled = re.compile(regex, re.ASCII)
    return lambda value: compiled.fullmatch(_compact(value)) is not None


def _any(*checks: Check) -> Check:
    return lambda value: any(check(value) for check in checks)


def _all(*checks: Check) -> Check:
    return lambda value: all(check(value) for check in checks)


def _eu_vat_prefix(value: str) -> str:
    return _compact(value)[:2]


def _eu_vat(value: str) -> bool:
    # Greece is EL for VAT (GR is refused); XI is Northern Ireland under the EU rules.
    from stdnum.eu import vat

    prefix = _eu_vat_prefix(value)
    member = prefix == "EL" or (prefix != "GR" and prefix.lower() in vat.MEMBER_STATES)
    return member and bool(vat.is_valid(value))


def _gb_vat(value: str) -> bool:
    # Northern Ireland's XI numbers are eu_vat; stdnum would accept them here too.
    return not _compact(value).startswith("XI") and _stdnum("gb.vat")(value)


def _after_prefix(prefix: str, check: Check) -> Check:
    def checked(value: str) -> bool:
        compact = _compact(value)
        return compact.startswith(prefix) and check(compact[len(prefix) :])

    return checked


def _first_digits(count: int, check: Check) -> Check:
    return lambda value: check(_compact(value)[:count])


def _nz_bn(value: str) -> bool:
    # An NZBN is a GS1 GLN with New Zealand's 94 prefix.
    compact = _compact(value)
    return compact.startswith("94") and _stdnum("ean")(compact) and len(compact) == 13


FORMATS: dict[str, TaxIdFormat] = {
    "ad_nrt": TaxIdFormat(_stdnum("ad.nrt"), "A-123456-Z"),
    "ae_trn": TaxIdFormat(_pattern(r"\d{15}"), "123456789012345"),
    "al_tin": TaxIdFormat(_stdnum("al.nipt"), "J12345678N"),
    "am_tin": TaxIdFormat(_pattern(r"\d{8}"), "02538904"),
    "ao_tin": TaxIdFormat(_pattern(r"[0-9A-Z]{9,14}"), "5123456789"),
    "ar_cuit": TaxIdFormat(_stdnum("ar.cuit"), "12-3456789-01"),
    "au_abn": TaxIdFormat(_stdnum("au.abn"), "12345678912"),
    "au_acn": TaxIdFormat(_stdnum("au.acn"), "123456789"),
    "au_arn": TaxIdFormat(_pattern(r"\d{12}"), "123456789123"),
    "au_wpn": TaxIdFormat(_pattern(r"\d{9,11}"), "123456789"),
    "aw_tin": TaxIdFormat(_pattern(r"\d{8}"), "12345678"),
    "az_tin": TaxIdFormat(_stdnum("az.voen"), "0123456789"),
    "ba_tin": TaxIdFormat(_pattern(r"\d{12,13}"), "123456789012"),
    "bb_tin": TaxIdFormat(_pattern(r"\d{13}"), "1123456789012"),
    "bd_bin": TaxIdFormat(_pattern(r"\d{9,13}"), "123456789-0123"),
    "bf_ifu": TaxIdFormat(_pattern(r"\d{8,9}[A-Z]"), "12345678A"),
    "bg_uic": TaxIdFormat(_any(_all(_pattern(r"\d{9}"), _stdnum("bg.vat")), _pattern(r"\d{13}")), "123456789"),
    "bh_vat": TaxIdFormat(_pattern(r"\d{15}"), "123456789012345"),
    "bj_ifu": TaxIdFormat(_pattern(r"\d{13}"), "1234567890123"),
    "bo_tin": TaxIdFormat(_pattern(r"\d{7,12}"), "123456789"),
    "br_cnpj": TaxIdFormat(_stdnum("br.cnpj"), "01.234.456/5432-10"),
    "br_cpf": TaxIdFormat(_stdnum("br.cpf"), "123.456.789-87"),
    "bs_tin": TaxIdFormat(_pattern(r"\d{9}"), "123.456.789"),
    "bw_vat": TaxIdFormat(_pattern(r"[A-Z]?\d{8,12}"), "C01234567890"),
    "by_tin": TaxIdFormat(_stdnum("by.unp"), "123456789"),
    "ca_bn": TaxIdFormat(_stdnum("ca.bn"), "123456789"),
    "ca_gst_hst": TaxIdFormat(_all(_pattern(r"\d{9}RT\d{4}"), _stdnum("ca.bn")), "123456789RT0002"),
    "ca_pst_bc": TaxIdFormat(_pattern(r"(PST)?\d{8}"), "PST-1234-5678"),
    "ca_pst_mb": TaxIdFormat(_pattern(r"\d{7}"), "123456-7"),
    "ca_pst_sk": TaxIdFormat(_pattern(r"\d{7}"), "1234567"),
    "ca_qst": TaxIdFormat(_pattern(r"\d{10}TQ\d{4}"), "1234567890TQ1234"),
    "cd_nif": TaxIdFormat(_pattern(r"[A-Z0-9]{8,10}"), "A0123456M"),
    "ch_uid": TaxIdFormat(_stdnum("ch.uid"), "CHE-123.456.789"),
    "ch_vat": TaxIdFormat(_stdnum("ch.vat"), "CHE-123.456.789 MWST"),
    "ci_vat": TaxIdFormat(_pattern(r"\d{7,10}[A-Z]?"), "1234567A"),
    "cl_tin": TaxIdFormat(_stdnum("cl.rut"), "12.345.678-K"),
    "cm_niu": TaxIdFormat(_pattern(r"[A-Z]\d{12}[A-Z]"), "M123456789000L"),
    "cn_tin": TaxIdFormat(_any(_stdnum("cn.uscc"), _pattern(r"\d{15}|\d{17}[0-9X]|\d{20}")), "91110000600037341L"),
    "co_nit": TaxIdFormat(_stdnum("co.nit"), "123.456.789-0"),
    "cr_tin": TaxIdFormat(_any(_stdnum("cr.cpf"), _stdnum("cr.cpj"), _stdnum("cr.cr")), "1-234-567890"),
    "cv_nif": TaxIdFormat(_pattern(r"\d{9}"), "213456789"),
    "cz_dic": TaxIdFormat(_stdnum("cz.dic"), "12345678"),
    "de_stn": TaxIdFormat(_stdnum("de.stnr"), "1234567890"),
    "do_rcn": TaxIdFormat(_any(_stdnum("do.rnc"), _stdnum("do.cedula")), "123-4567890-1"),
    "ec_ruc": TaxIdFormat(_stdnum("ec.ruc"), "1234567890001"),
    "eg_tin": TaxIdFormat(_stdnum("eg.tn"), "123456789"),
    "es_cif": TaxIdFormat(_stdnum("es.cif"), "A12345678"),
    "et_tin": TaxIdFormat(_pattern(r"\d{10}"), "0123456789"),
    "eu_oss_vat": TaxIdFormat(_stdnum("eu.oss"), "EU123456789"),
    "eu_vat": TaxIdFormat(_eu_vat, "DE123456789 (member-state prefix, EL for Greece)"),
    "fo_vat": TaxIdFormat(_stdnum("fo.vn"), "123456"),
    "fr_siren": TaxIdFormat(_stdnum("fr.siren"), "123456789"),
    "fr_siret": TaxIdFormat(_stdnum("fr.siret"), "12345678901234"),
    "fr_spi": TaxIdFormat(_stdnum("fr.nif"), "1234567890123"),
    "gb_vat": TaxIdFormat(_gb_vat, "GB123456789"),
    "ge_vat": TaxIdFormat(_pattern(r"\d{9}"), "123456789"),
    "gh_tin": TaxIdFormat(_any(_stdnum("gh.tin"), _pattern(r"GHA\d{10}")), "C0000803561"),
    "gi_tin": TaxIdFormat(_pattern(r"\d{5,10}"), "12345"),
    "gn_nif": TaxIdFormat(_stdnum("gn.nifp"), "123456789"),
    "hk_br": TaxIdFormat(_pattern(r"\d{8}(\d{3})?"), "12345678"),
    "hr_oib": TaxIdFormat(_stdnum("hr.oib"), "12345678901"),
    "hu_tin": TaxIdFormat(_all(_pattern(r"\d{11}"), _first_digits(8, _stdnum("hu.anum"))), "12345678-1-23"),
    "ic_nif": TaxIdFormat(_stdnum("es.nif"), "A12345678"),
    "id_npwp": TaxIdFormat(_stdnum("id.npwp"), "012.345.678.9-012.345"),
    "il_vat": TaxIdFormat(_all(_pattern(r"\d{9}"), _stdnum("il.idnr")), "000012345"),
    "in_gst": TaxIdFormat(_stdnum("in_.gstin"), "12ABCDE3456FGZH"),
    "is_kt": TaxIdFormat(_stdnum("is_.kennitala"), "123456-7890"),
    "is_vat": TaxIdFormat(_stdnum("is_.vsk"), "123456"),
    "it_cf": TaxIdFormat(_stdnum("it.codicefiscale"), "RSSMRA85T10A562S"),
    "jp_cn": TaxIdFormat(_stdnum("jp.cn"), "1234567891234"),
    "jp_rn": TaxIdFormat(_pattern(r"\d{5}"), "12345"),
    "jp_trn": TaxIdFormat(_after_prefix("T", _stdnum("jp.cn")), "T1234567891234"),
    "ke_pin": TaxIdFormat(_stdnum("ke.pin"), "P000111111A"),
    "kg_tin": TaxIdFormat(_pattern(r"\d{14}"), "12345678901234"),
    "kh_tin": TaxIdFormat(_pattern(r"[A-Z0-9]{9,14}"), "1001-123456789"),
    "kr_brn": TaxIdFormat(_stdnum("kr.brn"), "123-45-67890"),
    "kz_bin": TaxIdFormat(_pattern(r"\d{12}"), "123456789012"),
    "la_tin": TaxIdFormat(_pattern(r"\d{9,12}"), "123456789-000"),
    "li_uid": TaxIdFormat(_any(_stdnum("ch.uid"), _pattern(r"FL\d{11}")), "CHE123456789"),
    "li_vat": TaxIdFormat(_pattern(r"\d{5}"), "12345"),
    "lk_vat": TaxIdFormat(_pattern(r"\d{9}(\d{4})?"), "123456789-7000"),
    "ma_vat": TaxIdFormat(_any(_pattern(r"\d{7,8}"), _stdnum("ma.ice")), "12345678"),
    "md_cf": TaxIdFormat(_stdnum("md.idno"), "1234567890123"),
    "md_vat": TaxIdFormat(_pattern(r"\d{7}"), "1234567"),
    "me_pib": TaxIdFormat(_stdnum("me.pib"), "12345678"),
    "mk_vat": TaxIdFormat(_stdnum("mk.edb"), "MK1234567890123"),
    "mr_nif": TaxIdFormat(_pattern(r"\d{8}"), "12345678"),
    "mu_vat": TaxIdFormat(_pattern(r"\d{8}"), "12345678"),
    "mx_rfc": TaxIdFormat(_stdnum("mx.rfc"), "ABC010203AB9"),
    "my_frp": TaxIdFormat(_pattern(r"\d{8}"), "12345678"),
    "my_itn": TaxIdFormat(_pattern(r"[A-Z]{1,2}\d{9,11}"), "C 1234567890"),
    "my_sst": TaxIdFormat(_pattern(r"[A-Z]\d{14}"), "A12-3456-78912345"),
    "mz_nuit": TaxIdFormat(_stdnum("mz.nuit"), "123456789"),
    "ng_tin": TaxIdFormat(_pattern(r"\d{8}(\d{4})?|\d{10}"), "12345678-0001"),
    "no_vat": TaxIdFormat(_stdnum("no.mva"), "123456789MVA"),
    "no_voec": TaxIdFormat(_pattern(r"\d{7}"), "1234567"),
    "np_pan": TaxIdFormat(_pattern(r"\d{9}"), "123456789"),
    "nz_bn": TaxIdFormat(_nz_bn, "9429037707026"),
    "nz_gst": TaxIdFormat(_stdnum("nz.ird"), "123456789"),
    "om_vat": TaxIdFormat(_pattern(r"OM\d{10}"), "OM1234567890"),
    "pe_ruc": TaxIdFormat(_stdnum("pe.ruc"), "12345678901"),
    "ph_tin": TaxIdFormat(_pattern(r"\d{9}(\d{3}|\d{5})?"), "123456789012"),
    "pl_nip": TaxIdFormat(_stdnum("pl.nip"), "1234567890"),
    "pt_nif": TaxIdFormat(_stdnum("pt.nif"), "123456789"),
    "py_ruc": TaxIdFormat(_stdnum("py.ruc"), "12345678-9"),
    "ro_tin": TaxIdFormat(_stdnum("ro.cf"), "1234567890123"),
    "rs_pib": TaxIdFormat(_stdnum("rs.pib"), "123456789"),
    "ru_inn": TaxIdFormat(_stdnum("ru.inn"), "1234567891"),
    "ru_kpp": TaxIdFormat(_pattern(r"\d{4}[0-9A-Z]{2}\d{3}"), "123456789"),
    "sa_vat": TaxIdFormat(_pattern(r"\d{15}"), "123456789012345"),
    "sg_gst": TaxIdFormat(_any(_stdnum("sg.uen"), _pattern(r"[A-Z]{1,2}\d{7,8}[0-9A-Z]")), "M12345678X"),
    "sg_uen": TaxIdFormat(_stdnum("sg.uen"), "123456789F"),
    "si_tin": TaxIdFormat(_stdnum("si.ddv"), "12345678"),
    "sm_coe": TaxIdFormat(_stdnum("sm.coe"), "12345"),
    "sn_ninea": TaxIdFormat(_stdnum("sn.ninea"), "12345672A2"),
    "sr_fin": TaxIdFormat(_pattern(r"\d{10}"), "1234567890"),
    "sv_nit": TaxIdFormat(_stdnum("sv.nit"), "1234-567890-123-4"),
    "th_vat": TaxIdFormat(_stdnum("th.tin"), "1234567891234"),
    "tj_tin": TaxIdFormat(_pattern(r"\d{9}"), "123456789"),
    "tr_tin": TaxIdFormat(_any(_stdnum("tr.vkn"), _stdnum("tr.tckimlik")), "0123456789"),
    "tt_bir": TaxIdFormat(_pattern(r"\d{9,10}"), "123456789"),
    "tt_vat": TaxIdFormat(_pattern(r"\d{6,9}"), "123456"),
    "tw_vat": TaxIdFormat(_stdnum("tw.ubn"), "12345678"),
    "tz_vat": TaxIdFormat(_pattern(r"\d{8}[A-Z]|\d{9}"), "12345678A"),
    "ua_vat": TaxIdFormat(_pattern(r"\d{9,12}"), "123456789"),
    "ug_tin": TaxIdFormat(_pattern(r"\d{10}"), "1014751879"),
    "us_ein": TaxIdFormat(_stdnum("us.ein"), "12-3456789"),
    "uy_ruc": TaxIdFormat(_stdnum("uy.rut"), "123456789012"),
    "uz_tin": TaxIdFormat(_pattern(r"\d{9}"), "123456789"),
    "uz_vat": TaxIdFormat(_pattern(r"\d{12}"), "123456789012"),
    "ve_rif": TaxIdFormat(_stdnum("ve.rif"), "A-12345678-9"),
    "vn_tin": TaxIdFormat(_stdnum("vn.mst"), "1234567890"),
    "za_vat": TaxIdFormat(_pattern(r"4\d{9}"), "4123456789"),
    "zm_tin": TaxIdFormat(_pattern(r"\d{10}"), "1004751879"),
    "zw_tin": TaxIdFormat(_pattern(r"\d{10}"), "1234567890"),
}

# The member state that issued an OSS number, from the ISO 3166 numeric code in it.
_OSS_ISSUERS = {
    "040": "AT", "056": "BE", "100": "BG", "191": "HR", "196": "CY", "203": "CZ", "208": "DK",
    "233": "EE", "246": "FI", "250": "FR", "276": "DE", "300": "GR", "348": "HU", "372": "IE",
    "380": "IT", "428": "LV", "440": "LT", "442": "LU", "470": "MT", "528": "NL", "616": "PL",
    "620": "PT", "642": "RO", "703": "SK", "705": "SI", "724": "ES", "752": "SE",
}  # fmt: skip
# Types whose first two letters are not the country.
_COUNTRY_OF_TYPE = {"ic_nif": "ES"}
_EU_VAT_COUNTRY = {"EL": "GR", "XI": "GB"}


def is_valid_tax_id(type_: str, value: str) -> bool:
    """Whether ``value`` is a well-formed number of ``type_`` (False for unknown types)."""
    fmt = FORMATS.get(type_)
    return fmt is not None and fmt.check(value)


def country_of(type_: str, value: str) -> str | None:
    """The ISO 3166-1 alpha-2 country of a valid tax ID."""
    if type_ == "eu_vat":
        prefix = _eu_vat_prefix(value)
        return _EU_VAT_COUNTRY.get(prefix, prefix)
    if type_ == "eu_oss_vat":
        return _OSS_ISSUERS.get(_compact(value)[2:5])
    return _COUNTRY_OF_TYPE.get(type_, type_[:2].upper())

"""The tax ID format table, without a server: every type, one valid and one invalid value."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from billfold.api.params.tax_ids import TAX_ID_TYPES
from billfold.customers.tax_id_formats import FORMATS, country_of, is_valid_tax_id

REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference" / "stripe-current-shapes.json"

# type: (a valid value, an invalid one). Check-digit types use numbers that pass their
# algorithm, with the invalid one differing in a check digit where the type has one.
SAMPLES: dict[str, tuple[str, str]] = {
    "ad_nrt": ("U-132950-X", "A123B"),
    "ae_trn": ("100123456700003", "12345"),
    "al_tin": ("J91402501L", "Z22218003V"),
    "am_tin": ("02538904", "0253890"),
    "ao_tin": ("5123456789", "12345"),
    "ar_cuit": ("20-05536168-2", "20267565392"),
    "au_abn": ("83 914 571 673", "99 999 999 999"),
    "au_acn": ("004 085 616", "999 999 999"),
    "au_arn": ("123456789123", "12345678912"),
    "au_wpn": ("123456789", "12345"),
    "aw_tin": ("12345678", "1234567"),
    "az_tin": ("1401555071", "1401555081"),
    "ba_tin": ("123456789012", "12345"),
    "bb_tin": ("1123456789012", "112345678901"),
    "bd_bin": ("123456789-0123", "12345"),
    "bf_ifu": ("12345678A", "A12345678"),
    "bg_uic": ("175074752", "175074753"),
    "bh_vat": ("123456789012345", "12345678901234"),
    "bj_ifu": ("1234567890123", "123456789012"),
    "bo_tin": ("123456789", "12345"),
    "br_cnpj": ("16.727.230/0001-97", "16.727.230.0001-98"),
    "br_cpf": ("390.533.447-05", "231.002.999-00"),
    "bs_tin": ("123.456.789", "123.456.78"),
    "bw_vat": ("C01234567890", "CC0123"),
    "by_tin": ("200988541", "200988542"),
    "ca_bn": ("123026635", "123456783"),
    "ca_gst_hst": ("123026635RT0001", "123026635RC0001"),
    "ca_pst_bc": ("PST-1234-5678", "PST-1234-567"),
    "ca_pst_mb": ("123456-7", "123456-78"),
    "ca_pst_sk": ("1234567", "123456"),
    "ca_qst": ("1234567890TQ1234", "1234567890TX1234"),
    "cd_nif": ("A0123456M", "A01"),
    "ch_uid": ("CHE-100.155.212", "CHE-100.155.213"),
    "ch_vat": ("CHE-107.787.577 IVA", "CHE-107.787.578 IVA"),
    "ci_vat": ("1234567A", "123A"),
    "cl_tin": ("76086428-5", "12531909-3"),
    "cm_niu": ("M123456789000L", "M12345"),
    "cn_tin": ("91110000600037341L", "A1110000600037341L"),
    "co_nit": ("213.123.432-1", "2131234325"),
    "cr_tin": ("3-101-999999", "3-534-123559"),
    "cv_nif": ("213456789", "21345678"),
    "cz_dic": ("CZ 25123891", "CZ 25123890"),
    "de_stn": ("181/815/0815 5", "136695978"),
    "do_rcn": ("1-01-85004-3", "101850042"),
    "ec_ruc": ("1792060346-001", "1792060347-001"),
    "eg_tin": ("100-531-385", "VV3456789"),
    "es_cif": ("J99216582", "J99216583"),
    "et_tin": ("0123456789", "012345678"),
    "eu_oss_vat": ("EU372022452", "EU999022452"),
    "eu_vat": ("DE136695976", "DE136695977"),
    "fo_vat": ("623857", "12345X"),
    "fr_siren": ("404833048", "404833047"),
    "fr_siret": ("73282932000074", "73282932000079"),
    "fr_spi": ("3023217600053", "3023217600054"),
    "gb_vat": ("GB 980 7806 84", "GB 980 7806 85"),
    "ge_vat": ("123456789", "12345678"),
    "gh_tin": ("C0000803561", "C0000803562"),
    "gi_tin": ("12345", "1234"),
    "gn_nif": ("693770885", "693770880"),
    "hk_br": ("12345678", "1234567"),
    "hr_oib": ("HR 33392005961", "33392005962"),
    "hu_tin": ("12892312-2-42", "12892313-2-42"),
    "ic_nif": ("B64717838", "B64717839"),
    "id_npwp": ("01.312.166.0-091.000", "123456789"),
    "il_vat": ("516179157", "516179158"),
    "in_gst": ("27AAPFU0939F1ZV", "27AAPFU0939F1Z"),
    "is_kt": ("450401-3150", "450401-3151"),
    "is_vat": ("00621", "0062199"),
    "it_cf": ("RCCMNL83S18D969H", "RCCMNL83S18D969"),
    "jp_cn": ("5-8356-7825-6246", "2-8356-7825-6246"),
    "jp_rn": ("12345", "1234"),
    "jp_trn": ("T5835678256246", "T2835678256246"),
    "ke_pin": ("P051365947M", "V1234567890"),
    "kg_tin": ("12345678901234", "1234567890123"),
    "kh_tin": ("1001-123456789", "1234"),
    "kr_brn": ("116-82-00276", "123456789"),
    "kz_bin": ("123456789012", "12345678901"),
    "la_tin": ("123456789-000", "1234"),
    "li_uid": ("CHE-100.155.212", "CHE-100.155.213"),
    "li_vat": ("12345", "123456"),
    "lk_vat": ("123456789-7000", "12345"),
    "ma_vat": ("12345678", "123456"),
    "md_cf": ("1008600038413", "1008600038412"),
    "md_vat": ("1234567", "123456"),
    "me_pib": ("02655284", "02655283"),
    "mk_vat": ("MK4030000375897", "4030000375890"),
    "mr_nif": ("12345678", "1234567"),
    "mu_vat": ("12345678", "1234567"),
    "mx_rfc": ("VACE-460910-SX6", "VACE-461310-SX6"),
    "my_frp": ("12345678", "1234567"),
    "my_itn": ("C 1234567890", "1234567890"),
    "my_sst": ("A12-3456-78912345", "A12-3456"),
    "mz_nuit": ("400339910", "400339911"),
    "ng_tin": ("12345678-0001", "1234567"),
    "no_vat": ("NO 995 525 828 MVA", "NO 995 525 829 MVA"),
    "no_voec": ("1234567", "123456"),
    "np_pan": ("123456789", "12345678"),
    "nz_bn": ("9429037707026", "9429037707027"),
    "nz_gst": ("49-098-576", "136410133"),
    "om_vat": ("OM1234567890", "OM123"),
    "pe_ruc": ("20512333797", "20512333798"),
    "ph_tin": ("123456789012", "1234567"),
    "pl_nip": ("PL 8567346215", "8567346216"),
    "pt_nif": ("PT 501 964 843", "501964842"),
    "py_ruc": ("80028061-0", "800532492"),
    "ro_tin": ("1630615123457", "1630615123458"),
    "rs_pib": ("101134702", "101134703"),
    "ru_inn": ("1234567894", "1234567895"),
    "ru_kpp": ("773601001", "77360100"),
    "sa_vat": ("310123456700003", "31012345670000"),
    "sg_gst": ("M90312345W", "12345"),
    "sg_uen": ("197401143C", "197401143D"),
    "si_tin": ("SI 5022 3054", "50223055"),
    "sm_coe": ("24165", "2416A"),
    "sn_ninea": ("306 7221", "3067222"),
    "sr_fin": ("1234567890", "123456789"),
    "sv_nit": ("0614-050707-104-8", "0614-050707-104-0"),
    "th_vat": ("0-99-4-000-61772-1", "1234545678789"),
    "tj_tin": ("123456789", "1234567890"),
    "tr_tin": ("4540536920", "4540536921"),
    "tt_bir": ("123456789", "12345678"),
    "tt_vat": ("123456", "12345"),
    "tw_vat": ("00501503", "00501502"),
    "tz_vat": ("12345678A", "1234567A"),
    "ua_vat": ("123456789", "12345678"),
    "ug_tin": ("1014751879", "101475187"),
    "us_ein": ("91-1144442", "07-1144442"),
    "uy_ruc": ("21-100342-001-7", "210303670014"),
    "uz_tin": ("123456789", "12345678"),
    "uz_vat": ("123456789012", "12345678901"),
    "ve_rif": ("V-11470283-4", "V-11470283-5"),
    "vn_tin": ("0100233488", "0100233480"),
    "za_vat": ("4123456789", "5123456789"),
    "zm_tin": ("1004751879", "100475187"),
    "zw_tin": ("1234567890", "123456789"),
}


def test_table_covers_exactly_the_request_enum() -> None:
    assert set(FORMATS) == set(TAX_ID_TYPES) == set(SAMPLES)
    assert "unknown" not in FORMATS


def test_request_enum_is_the_reference_enum_without_unknown() -> None:
    if not REFERENCE.exists():
        pytest.skip("reference shapes not checked out")
    enum = json.loads(REFERENCE.read_text())["objects"]["TaxId"]["fields"]["type"]["enum"]
    assert set(TAX_ID_TYPES) == set(enum) - {"unknown"}


@pytest.mark.parametrize(("type_", "valid", "invalid"), [(t, v, i) for t, (v, i) in SAMPLES.items()])
def test_valid_and_invalid_value(type_: str, valid: str, invalid: str) -> None:
    assert is_valid_tax_id(type_, valid)
    assert not is_valid_tax_id(type_, invalid)


@pytest.mark.parametrize(
    ("type_", "value"),
    [
        ("eu_vat", "GR094259216"),  # Greece is EL for VAT purposes
        ("eu_vat", "GB980780684"),  # not a member state
        ("eu_vat", "136695976"),  # no prefix
        ("gb_vat", "XI980780684"),  # Northern Ireland numbers are eu_vat
        ("ca_gst_hst", "123026635"),  # a bare BN lacks the RT programme account
        ("jp_trn", "5835678256246"),  # the T is part of the number
        ("ae_trn", "١٢٣٤٥٦٧٨٩٠١٢٣٤٥"),  # non-ASCII digits
    ],
)
def test_rejected_edge_cases(type_: str, value: str) -> None:
    assert not is_valid_tax_id(type_, value)


@pytest.mark.parametrize(
    ("type_", "value"),
    [
        ("eu_vat", "EL094259216"),
        ("eu_vat", "XI980780684"),
        ("eu_vat", "de 136 695 976"),
        ("gb_vat", "980780684"),
        ("ca_bn", "123026635RC0001"),
    ],
)
def test_accepted_edge_cases(type_: str, value: str) -> None:
    assert is_valid_tax_id(type_, value)


@pytest.mark.parametrize(
    ("type_", "value", "country"),
    [
        ("eu_vat", "DE136695976", "DE"),
        ("eu_vat", "el094259216", "GR"),
        ("eu_vat", "XI980780684", "GB"),
        ("eu_oss_vat", "EU372022452", "IE"),
        ("gb_vat", "GB980780684", "GB"),
        ("ic_nif", "B64717838", "ES"),
        ("li_uid", "CHE-100.155.212", "LI"),
        ("us_ein", "91-1144442", "US"),
    ],
)
def test_country(type_: str, value: str, country: str) -> None:
    assert country_of(type_, value) == country


def test_unknown_type_is_never_valid() -> None:
    assert not is_valid_tax_id("unknown", "123")
    assert not is_valid_tax_id("xx_vat", "123")


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(sorted(FORMATS)), st.text(max_size=40))
def test_any_text_is_answered_without_raising(type_: str, value: str) -> None:
    assert is_valid_tax_id(type_, value) in {True, False}

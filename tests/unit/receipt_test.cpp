#define BOOST_TEST_MODULE receipt
// The receipt parser (core/ocr/Receipt) on typical receipt texts as Tesseract reads them, German
// and English: the total is the amount paid, not a subtotal, VAT line, cash given or change;
// dates come out as ISO; text that is no receipt gives nothing. Also the OCR text's JSON form
// and the default OCR languages.
#include "core/common/Error.h"
#include "core/ocr/PageText.h"
#include "core/ocr/Receipt.h"

#include <algorithm>
#include <boost/test/unit_test.hpp>

using namespace docdesk::ocr;

BOOST_AUTO_TEST_CASE(a_german_supermarket_receipt_gives_the_sum_not_cash_given_or_change) {
    const auto r = parseReceipt("REWE Markt GmbH\n"
                                "Hauptstr. 12, 33098 Paderborn\n"
                                "UID Nr.: DE812706034\n"
                                "BANANE 1,29 B\n"
                                "VOLLMILCH 3,5% 1,19 B\n"
                                "KAFFEE CREMA 12,99 A\n"
                                "ZWISCHENSUMME 15,47\n"
                                "--------------------------\n"
                                "SUMME EUR 15,47\n"
                                "Geg. BAR EUR 20,00\n"
                                "Rückgeld BAR EUR 4,53\n"
                                "Steuer % Netto Steuer Brutto\n"
                                "A= 19,0% 10,92 2,07 12,99\n"
                                "B= 7,0% 2,32 0,16 2,48\n"
                                "Datum: 14.03.2024 Uhrzeit: 18:02:11\n");
    BOOST_REQUIRE(r.has_value());
    BOOST_TEST(r->merchant == "Rewe");
    BOOST_TEST(r->date == "2024-03-14");
    BOOST_TEST(r->total == "15.47");
    BOOST_TEST(r->currency == "EUR");
}

BOOST_AUTO_TEST_CASE(zu_zahlen_wins_over_a_card_payment_line_and_the_first_line_names_an_unknown_shop) {
    const auto r = parseReceipt("Bäckerei Sonnenschein\n"
                                "Marktplatz 3\n"
                                "2 x Brötchen 0,70\n"
                                "Kuchen 3,20\n"
                                "ZU ZAHLEN 3,90\n"
                                "EC-CASH 3,90\n"
                                "MwSt 7% 0,26\n"
                                "05/01/24 08:15\n");
    BOOST_REQUIRE(r.has_value());
    BOOST_TEST(r->merchant == "Bäckerei Sonnenschein");
    BOOST_TEST(r->date == "2024-01-05");
    BOOST_TEST(r->total == "3.90");
    BOOST_TEST(r->currency == "EUR");
}

BOOST_AUTO_TEST_CASE(a_payment_line_is_the_total_when_no_sum_is_printed) {
    const auto r = parseReceipt("Kiosk am Bahnhof\nZeitung 2,80\nKaffee 2,10\nBAR 4,90\n21.11.2023\n");
    BOOST_REQUIRE(r.has_value());
    BOOST_TEST(r->total == "4.90");
    BOOST_TEST(r->date == "2023-11-21");
}

BOOST_AUTO_TEST_CASE(an_english_receipt_gives_the_total_not_subtotal_vat_or_change) {
    const auto r = parseReceipt("TESCO\n"
                                "Welcome to Tesco Express\n"
                                "MILK 2 PINTS £1.25\n"
                                "BREAD £1,10\n"
                                "SUBTOTAL £2.35\n"
                                "VAT 20% £0.39\n"
                                "TOTAL £2.35\n"
                                "CASH £5.00\n"
                                "CHANGE DUE £2.65\n"
                                "Date 2024-02-29 12:01\n");
    BOOST_REQUIRE(r.has_value());
    BOOST_TEST(r->merchant == "Tesco");
    BOOST_TEST(r->date == "2024-02-29");
    BOOST_TEST(r->total == "2.35");
    BOOST_TEST(r->currency == "GBP");
}

BOOST_AUTO_TEST_CASE(thousands_and_a_total_under_its_label_are_read) {
    const auto r =
        parseReceipt("Möbelhaus Beispiel\nSofa 1.199,00\nGesamtbetrag\n1.249,90\nKartenzahlung 1.249,90\n"
                     "Datum 02.12.2025\n");
    BOOST_REQUIRE(r.has_value());
    BOOST_TEST(r->total == "1249.90");
    BOOST_TEST(r->date == "2025-12-02");
}

BOOST_AUTO_TEST_CASE(a_letter_is_no_receipt_and_impossible_dates_are_ignored) {
    BOOST_TEST(!parseReceipt("Sehr geehrte Damen und Herren,\nvielen Dank für Ihr Schreiben.\n").has_value());
    const auto r = parseReceipt("Laden\nSUMME 9,99\n31.13.2024 45.01.2024\n");
    BOOST_REQUIRE(r.has_value());
    BOOST_TEST(r->date.empty());
    BOOST_TEST(r->total == "9.99");
}

BOOST_AUTO_TEST_CASE(page_text_survives_its_json_form) {
    PageText t;
    t.width = 2480;
    t.height = 3508;
    t.text = "Grüße aus Köln\n";
    t.words = {
        {"Grüße", 10, 20, 100, 30, 96, 0}, {"aus", 120, 20, 50, 30, 91, 0}, {"Köln", 180, 21, 80, 29, 88, 0}};
    const auto back = pageTextFromJson(toJson(t));
    BOOST_TEST(back.width == 2480);
    BOOST_TEST(back.text == t.text);
    BOOST_REQUIRE(back.words.size() == 3u);
    BOOST_TEST(back.words[2].text == "Köln");
    BOOST_TEST(back.words[2].y == 21);
    BOOST_TEST(back.words[1].confidence == 91);
    BOOST_CHECK_THROW(pageTextFromJson(nlohmann::json{{"width", 1}}), nlohmann::json::exception);
}

BOOST_AUTO_TEST_CASE(the_default_languages_are_the_system_language_and_english) {
    BOOST_TEST(defaultLanguages("C") == "eng");
    BOOST_TEST(defaultLanguages("en_GB.UTF-8") == "eng");
    const auto installed = installedLanguages();
    const bool german = std::find(installed.begin(), installed.end(), "deu") != installed.end();
    BOOST_TEST(defaultLanguages("de_DE.UTF-8") == (german ? "deu+eng" : "eng"));
    BOOST_CHECK_THROW(requireLanguages("deu+"), docdesk::Error);
    BOOST_CHECK_THROW(requireLanguages("xyz"), docdesk::Error);
}

// Thermal print misread by OCR: O/o/C/D for 0, l/I for 1, S for 5 inside a date; a "Datum" line
// wins over the till's line, which wins over a date printed in an advert; a word with a dot
// and an amount ("Il. 1,69") is no date.
BOOST_AUTO_TEST_CASE(dates_survive_ocr_confusions_and_the_labelled_or_timed_date_wins) {
    auto r = parseReceipt(
        "Laden\nALBI APFELSAFT Il. 1,69 C\nSUMME EUR 1,69\nDatum: '15.04.202C\n16.04.20 16:15 8665111\n");
    BOOST_REQUIRE(r.has_value());
    BOOST_TEST(r->date == "2020-04-15");
    r = parseReceipt("Laden\nOSTERAKTION BIS 30.03.20\nSUMME EUR 5,47\n2S.O2.20 14:52 8665105 0263\n");
    BOOST_REQUIRE(r.has_value());
    BOOST_TEST(r->date == "2020-02-25");
    r = parseReceipt("Laden\nALBI APFELSAFT Il. 1,69 C\nSUMME EUR 1,69\n");
    BOOST_REQUIRE(r.has_value());
    BOOST_TEST(r->date.empty());
    r = parseReceipt("Laden\nSUMME 2,00\nDate: 07/04/2021\n");
    BOOST_REQUIRE(r.has_value());
    BOOST_TEST(r->date == "2021-04-07");
}

// A chain's name misread in the footer ("Merktkaut") is still that chain, but a short word near
// a short name is not ("Normal" is no Norma); addresses, currency headings and item lines are
// never the merchant.
BOOST_AUTO_TEST_CASE(chain_names_tolerate_misread_letters_and_addresses_are_no_merchant) {
    auto r =
        parseReceipt("TH\nKASE 1,15 B\nSUMME EUR 28,81\nMerktkaut Lahr\nDetmolder Str. 4\n03.04.20 09:53\n");
    BOOST_REQUIRE(r.has_value());
    BOOST_TEST(r->merchant == "Marktkauf");
    r = parseReceipt(
        "Warburger Straße 130\n33100 Paderborn\nEUR\nEmmentaler 1,99 A\nNormal Brot 1,20\nzu zahlen 3,19\n");
    BOOST_REQUIRE(r.has_value());
    BOOST_TEST(r->merchant.empty());
    BOOST_TEST(r->total == "3.19");
}

// A short chain name misread in the logo at the top ("reat", "L+DL") is that chain; the same
// near miss further down is not.
BOOST_AUTO_TEST_CASE(a_short_chain_name_misread_in_the_logo_is_that_chain) {
    auto r = parseReceipt("reat Ombm |\n32100 Paderborn\nKAROTTEN 0,99\nSUMME EUR 0,99\n24.04.20 14:02\n");
    BOOST_REQUIRE(r.has_value());
    BOOST_TEST(r->merchant == "Real");
    r = parseReceipt("L+DL\nWarburger Straße 130\n33100 Paderborn\nzu zahlen 3,19\n");
    BOOST_REQUIRE(r.has_value());
    BOOST_TEST(r->merchant == "Lidl");
    r = parseReceipt(
        "Cafe am Markt\nKirchgasse 2\nTel. 05251 12345\nLatte 3,20\nread more online\nSUMME 3,20\n");
    BOOST_REQUIRE(r.has_value());
    BOOST_TEST(r->merchant == "Cafe am Markt");
}

// A one-word shop name printed over two lines is read whole; a town under a longer name is not
// added to it.
BOOST_AUTO_TEST_CASE(a_one_word_name_goes_on_in_the_next_line) {
    auto r = parseReceipt("en\nDELPHIN\nAPOTHEKE\n\nDetmolder Straße 8\nIbuprofen 400 5,99\nSUMME 5,99\n");
    BOOST_REQUIRE(r.has_value());
    BOOST_TEST(r->merchant == "DELPHIN APOTHEKE");
    r = parseReceipt("Bäckerei Sonnenschein\nPADERBORN\nBrot 3,20\nSUMME 3,20\n");
    BOOST_REQUIRE(r.has_value());
    BOOST_TEST(r->merchant == "Bäckerei Sonnenschein");
    r = parseReceipt("FO. DELPHIN\nAPOTHEKE\nDetmolder Straße 8\nIbuprofen 400 5,99\nSUMME 5,99\n");
    BOOST_REQUIRE(r.has_value());
    BOOST_TEST(r->merchant == "FO. DELPHIN APOTHEKE");
}

// What was "given" by card is what was paid (a toom or OBI slip prints no readable sum then);
// cash given stays out. A date under a "Datum Uhrzeit Bon" heading counts as labelled, and a
// doubled dot ("15.04..2020") is still a date.
BOOST_AUTO_TEST_CASE(a_card_given_is_the_total_and_a_date_under_its_heading_is_labelled) {
    auto r =
        parseReceipt("toom Baumarkt\nBlumenrechen 11,99\nSUMM ME f UR AB, ne *\nGEGEBEN Mastercard 48.77\n"
                     "Aktion bis 30.04.20 09:00\nDatum Uhrzeit BonNr\n04.04.20 13:43 2875\n");
    BOOST_REQUIRE(r.has_value());
    BOOST_TEST(r->total == "48.77");
    BOOST_TEST(r->date == "2020-04-04");
    r = parseReceipt("Kiosk\nZeitung 2,80\nGEGEBEN BAR 5,00\nBAR 2,80\nDatum: 15.04..2020\n");
    BOOST_REQUIRE(r.has_value());
    BOOST_TEST(r->total == "2.80");
    BOOST_TEST(r->date == "2020-04-15");
}

// Cash paid less the change when the sum is unreadable, the change line misread ("Riickgeld");
// a "MwSt Total" line of the VAT table is no total.
BOOST_AUTO_TEST_CASE(cash_less_a_misread_change_line_is_the_total) {
    const auto r =
        parseReceipt("ROSSMANN\nTaschentuecher 1,95 A\nTotal bee\nBar €2,00\nRiickgeld (Bar) €0,05\n"
                     "MwSt Total 1,64 0,31 1,95\n27.02.2020 15:56\n");
    BOOST_REQUIRE(r.has_value());
    BOOST_TEST(r->total == "1.95");
}

// The SUMME line unreadable and cash given under its own label: cash given less the change is
// the total; cash given alone is not (it may be more than was paid).
BOOST_AUTO_TEST_CASE(cash_given_less_change_is_the_total_when_no_sum_is_read) {
    auto r = parseReceipt("toom Baumarkt GmbH\nSpindelmaeher 49.99 19\nEUR 49.99 #\nGEGEBEN BAR 50. 00\n"
                          "RÜCKGELD EUR 0.01\n06.04.2020 14:43\n");
    BOOST_REQUIRE(r.has_value());
    BOOST_TEST(r->total == "49.99");
    r = parseReceipt("toom Baumarkt GmbH\nSpindelmaeher 49.99 19\nGEGEBEN BAR 50. 00\n06.04.2020 14:43\n");
    BOOST_REQUIRE(r.has_value());
    BOOST_TEST(r->total.empty());
}

// The sum line misread ("11, 06") while the card payment, the VAT table and the card slip agree
// on 17,06: the amount printed more often wins; on a tie the sum line's. A change line misread
// as "Rüekgald" is still the change.
BOOST_AUTO_TEST_CASE(a_misread_sum_is_outvoted_by_the_card_payment_and_misread_change_is_change) {
    auto r = parseReceipt("LIDL\nzu zahlen 11, 06\nKreditkarte 17,06\nA 7% 0,71 10,17 10,88\n"
                          "Summe 1,70 15,36 17,06\nKartenzahlung\nEUR 17,06\n21.04.20 10:12\n");
    BOOST_REQUIRE(r.has_value());
    BOOST_TEST(r->total == "17.06");
    r = parseReceipt("Marktkauf\nSUMME EUR 28,81\nMastercard EUR 25,81\n03.04.20 09:53\n");
    BOOST_REQUIRE(r.has_value());
    BOOST_TEST(r->total == "28.81");
    r = parseReceipt("ROSSMANN\nTotal @1'5:95\nBar €2,00\nRüekgald (Bar) £0 ,05\n27.02.2020 15:56\n");
    BOOST_REQUIRE(r.has_value());
    BOOST_TEST(r->total == "1.95");
}

// OCR splits a total's label ("SUMM E") or its cents ("28,8 1") on thermal print: still the sum.
BOOST_AUTO_TEST_CASE(a_label_or_amount_split_by_a_space_is_still_the_sum) {
    auto r = parseReceipt("Laden\nKAFFEE 8,99\nSUMM E EUR 12,49\nMastercard EUR 12,48\n03.04.20 09:53\n");
    BOOST_REQUIRE(r.has_value());
    BOOST_TEST(r->total == "12.49");
    r = parseReceipt("Laden\nKAFFEE 8,99\nSUMME EUR 12,4 9\nBar EUR 20,00\n03.04.20 09:53\n");
    BOOST_REQUIRE(r.has_value());
    BOOST_TEST(r->total == "12.49");
}

// The sum line and the card payment disagree, each printed once: the VAT table's gross amounts
// add up to the card's (one row's gross misread, its net and tax still adding up), so the card
// is right. Without a table the sum line stays; a table adding up to the sum keeps it.
BOOST_AUTO_TEST_CASE(the_vat_table_decides_between_a_misread_sum_and_the_card_payment) {
    const std::string head = "Shop\nSEIFE 8,99\nNUESSE 10,47\n";
    auto r = parseReceipt(head + "SUMME EUR 19,16\nMasterCard EUR 19,46\nMwSt Steuer Netto Brutto\n" +
                          "A 19,0% 1,44 7,55 8,09\nB 7,0% 0,68 9,79 10,47\n15.04.20 16:15\n");
    BOOST_REQUIRE(r.has_value());
    BOOST_TEST(r->total == "19.46");
    r = parseReceipt(head + "SUMME EUR 19,16\nMasterCard EUR 19,46\n15.04.20 16:15\n");
    BOOST_REQUIRE(r.has_value());
    BOOST_TEST(r->total == "19.16");
    r = parseReceipt(head + "TOTAL 19.46\nVISA 19.16\nVAT Net Gross\n20.00 % 16.22 3.24\n15/04/20 16:15\n");
    BOOST_REQUIRE(r.has_value());
    BOOST_TEST(r->total == "19.46");
}

// A date misread on its "Datum" line loses against the date the till line and the card slip's
// "15.04." (without a year) agree on; a labelled date printed as often still wins, and an
// advert's date printed twice does not outvote the till's timed one.
BOOST_AUTO_TEST_CASE(the_date_printed_most_often_wins_over_a_misread_labelled_one) {
    auto r = parseReceipt("Laden\nSUMME EUR 19,46\n15.04.20 16:15 8665111\nKundenbeleg\nDatum: 16.04.2020\n"
                          "AS-Zeit 15.04. 16:14 Uhr\nBetrag EUR 19,46\n");
    BOOST_REQUIRE(r.has_value());
    BOOST_TEST(r->date == "2020-04-15");
    r = parseReceipt("Laden\nMHD 20.06.2020\nSUMME EUR 3,20\nDatum: 15.04.2020\n");
    BOOST_REQUIRE(r.has_value());
    BOOST_TEST(r->date == "2020-04-15");
    r = parseReceipt("Laden\nAKTION BIS 30.04.20\nSUMME EUR 3,20\nNur bis 30.04.20!\n14.04.20 10:12 0815\n");
    BOOST_REQUIRE(r.has_value());
    BOOST_TEST(r->date == "2020-04-14");
}

// The lines the OCR engine reads again when it doubts them: a date or time however misread, a
// total or payment; not an item line.
BOOST_AUTO_TEST_CASE(lines_that_may_hold_the_date_or_total_are_told_apart_from_item_lines) {
    BOOST_TEST(mayHoldReceiptData("06. i\") 2020 'a: 143 a 353535"));
    BOOST_TEST(mayHoldReceiptData("be. 04. Mm 14: j 2875"));
    BOOST_TEST(mayHoldReceiptData("13.04.20 09:53 0000545"));
    BOOST_TEST(mayHoldReceiptData("SUMM E EUR 28,8 1"));
    BOOST_TEST(mayHoldReceiptData("Mastercard EUR 25,81"));
    BOOST_TEST(!mayHoldReceiptData("KAROTTENBROTCHEN 1,38 B"));
    BOOST_TEST(!mayHoldReceiptData("2 x 0,69"));
}

// The sum line misread ("21,42") and paid in cash: a VAT table whose rows each add up totals
// what the cash line says, so that is the total; the same table without a payment line
// agreeing with it leaves the sum line's.
BOOST_AUTO_TEST_CASE(a_vat_table_that_adds_up_and_the_cash_paid_outvote_a_misread_sum) {
    const std::string table = "MwSt NETTO MwSt UMSATZ\nB 7% 23,45 1,64 25,09\nC 19% 1,96 0,37 2,33\n";
    auto r = parseReceipt("Markt\nKAFFEE 25,09 B\nSEIFE 2,33 C\nSUMME EUR 21,42\nBAR EUR 27,42\n" + table +
                          "08.04.20 10:12\n");
    BOOST_REQUIRE(r.has_value());
    BOOST_TEST(r->total == "27.42");
    r = parseReceipt("Markt\nKAFFEE 25,09 B\nSEIFE 2,33 C\nSUMME EUR 21,42\n" + table + "08.04.20 10:12\n");
    BOOST_REQUIRE(r.has_value());
    BOOST_TEST(r->total == "21.42");
    // A table printing only one rate's row (the item costing its gross) is no evidence against
    // the sum, however often that item's price is printed.
    r = parseReceipt("REWE\nBANANE 1,29\nKAFFEE CREMA 12,99\nSUMME EUR 15,47\nGeg. BAR EUR 20,00\n"
                     "Steuer % Netto Steuer Brutto\nA= 19,0% 10,92 2,07 12,99\nDatum: 14.03.2024\n");
    BOOST_REQUIRE(r.has_value());
    BOOST_TEST(r->total == "15.47");
}

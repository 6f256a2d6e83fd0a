package checkout

import (
	"fmt"
	"slices"

	"github.com/fpgo/fpgo/internal/domain"
	"github.com/fpgo/fpgo/internal/money"
)

// languages is the order of the columns in messages.
var languages = []string{"en", "no", "sv", "da", "de"}

// lang returns a language the pages speak: the order's, else Norwegian as FPGO defaults.
func lang(l string) string {
	if slices.Contains(languages, l) {
		return l
	}
	return domain.DefaultLanguage
}

// messages holds every text of the pages in en, no, sv, da, de. Texts with %s/%d take
// arguments; html/template escapes the result.
var messages = map[string][5]string{
	"html.lang":         {"en", "nb", "sv", "da", "de"},
	"title":             {"Checkout", "Betaling", "Betalning", "Betaling", "Bezahlung"},
	"merchant.to":       {"Payment to", "Betaling til", "Betalning till", "Betaling til", "Zahlung an"},
	"order.number":      {"Order %s", "Ordre %s", "Order %s", "Ordre %s", "Bestellung %s"},
	"order.date":        {"Order date", "Ordredato", "Orderdatum", "Ordredato", "Bestelldatum"},
	"order.due":         {"Pay by", "Betal innen", "Betala senast", "Betal senest", "Zahlbar bis"},
	"lines.product":     {"Product", "Produkt", "Produkt", "Produkt", "Produkt"},
	"lines.vat":         {"VAT", "MVA", "Moms", "Moms", "MwSt."},
	"lines.amount":      {"Amount", "Beløp", "Belopp", "Beløb", "Betrag"},
	"lines.discount":    {"discount %s", "rabatt %s", "rabatt %s", "rabat %s", "Rabatt %s"},
	"sum.net":           {"Total excl. VAT", "Sum eks. MVA", "Summa exkl. moms", "Sum ekskl. moms", "Summe ohne MwSt."},
	"sum.vat":           {"VAT %s %%", "MVA %s %%", "Moms %s %%", "Moms %s %%", "MwSt. %s %%"},
	"sum.shipping":      {"Shipping", "Frakt", "Frakt", "Fragt", "Versand"},
	"sum.total":         {"Total", "Totalt", "Totalt", "I alt", "Gesamt"},
	"methods.choose":    {"Choose how to pay", "Velg betalingsmåte", "Välj betalsätt", "Vælg betalingsmetode", "Zahlungsart wählen"},
	"method.vipps":      {"Vipps", "Vipps", "Vipps", "Vipps", "Vipps"},
	"method.applepay":   {"Apple Pay", "Apple Pay", "Apple Pay", "Apple Pay", "Apple Pay"},
	"method.googlepay":  {"Google Pay", "Google Pay", "Google Pay", "Google Pay", "Google Pay"},
	"method.visa":       {"Visa", "Visa", "Visa", "Visa", "Visa"},
	"method.mastercard": {"Mastercard", "Mastercard", "Mastercard", "Mastercard", "Mastercard"},
	"method.invoice":    {"Pay by invoice", "Betal med faktura", "Betala med faktura", "Betal med faktura", "Kauf auf Rechnung"},
	"method.other":      {"Choose another payment method", "Velg en annen betalingsmåte", "Välj ett annat betalsätt", "Vælg en anden betalingsmetode", "Andere Zahlungsart wählen"},
	"method.none":       {"This order cannot be paid here.", "Denne ordren kan ikke betales her.", "Den här ordern kan inte betalas här.", "Denne ordre kan ikke betales her.", "Diese Bestellung kann hier nicht bezahlt werden."},
	"secure.title":      {"Protected order", "Beskyttet ordre", "Skyddad order", "Beskyttet ordre", "Geschützte Bestellung"},
	"secure.text": {"The details of this order are shown after you have identified yourself with BankID.",
		"Detaljene i denne ordren vises etter at du har identifisert deg med BankID.",
		"Orderns detaljer visas när du har identifierat dig med BankID.",
		"Ordrens detaljer vises, når du har identificeret dig med BankID.",
		"Die Details dieser Bestellung werden angezeigt, nachdem Sie sich mit BankID identifiziert haben."},
	"secure.button":           {"Identify with BankID", "Identifiser deg med BankID", "Identifiera dig med BankID", "Identificer dig med BankID", "Mit BankID identifizieren"},
	"card.title":              {"Pay by card", "Betal med kort", "Betala med kort", "Betal med kort", "Mit Karte bezahlen"},
	"card.number":             {"Card number", "Kortnummer", "Kortnummer", "Kortnummer", "Kartennummer"},
	"card.expiry":             {"Expiry (MM/YY)", "Utløpsdato (MM/ÅÅ)", "Giltig till (MM/ÅÅ)", "Udløbsdato (MM/ÅÅ)", "Gültig bis (MM/JJ)"},
	"card.cvc":                {"CVC", "CVC", "CVC", "CVC", "Prüfnummer (CVC)"},
	"card.pay":                {"Pay %s", "Betal %s", "Betala %s", "Betal %s", "%s bezahlen"},
	"card.number.invalid":     {"Enter a valid card number.", "Skriv inn et gyldig kortnummer.", "Ange ett giltigt kortnummer.", "Indtast et gyldigt kortnummer.", "Geben Sie eine gültige Kartennummer ein."},
	"card.number.unsupported": {"Only Visa and Mastercard are accepted.", "Bare Visa og Mastercard godtas.", "Endast Visa och Mastercard accepteras.", "Kun Visa og Mastercard accepteres.", "Nur Visa und Mastercard werden akzeptiert."},
	"card.expiry.invalid":     {"Enter the expiry date as MM/YY.", "Skriv utløpsdatoen som MM/ÅÅ.", "Ange giltighetstiden som MM/ÅÅ.", "Indtast udløbsdatoen som MM/ÅÅ.", "Geben Sie das Ablaufdatum als MM/JJ ein."},
	"card.expiry.past":        {"This card has expired.", "Kortet er utløpt.", "Kortet har gått ut.", "Kortet er udløbet.", "Diese Karte ist abgelaufen."},
	"card.cvc.invalid":        {"Enter the 3 digits on the back of the card.", "Skriv inn de 3 sifrene på baksiden av kortet.", "Ange de 3 siffrorna på kortets baksida.", "Indtast de 3 cifre på bagsiden af kortet.", "Geben Sie die 3 Ziffern auf der Kartenrückseite ein."},
	"decline.declined": {"Your card was declined. Try another card or another payment method.",
		"Kortet ble avvist. Prøv et annet kort eller en annen betalingsmåte.",
		"Kortet nekades. Försök med ett annat kort eller ett annat betalsätt.",
		"Kortet blev afvist. Prøv et andet kort eller en anden betalingsmetode.",
		"Ihre Karte wurde abgelehnt. Versuchen Sie eine andere Karte oder Zahlungsart."},
	"decline.insufficient_funds": {"The card has insufficient funds. Try another card or another payment method.",
		"Det er ikke dekning på kortet. Prøv et annet kort eller en annen betalingsmåte.",
		"Det saknas täckning på kortet. Försök med ett annat kort eller ett annat betalsätt.",
		"Der er ikke dækning på kortet. Prøv et andet kort eller en anden betalingsmetode.",
		"Die Karte ist nicht ausreichend gedeckt. Versuchen Sie eine andere Karte oder Zahlungsart."},
	"decline.unknown_test_card": {"This is not a sandbox test card. Use one of the test cards below.",
		"Dette er ikke et testkort for sandkassen. Bruk et av testkortene nedenfor.",
		"Detta är inget testkort för sandlådan. Använd ett av testkorten nedan.",
		"Dette er ikke et testkort til sandkassen. Brug et af testkortene nedenfor.",
		"Dies ist keine Sandbox-Testkarte. Verwenden Sie eine der Testkarten unten."},
	"sandbox.cards":    {"Sandbox test cards (any future expiry, any CVC)", "Testkort i sandkassen (fremtidig utløpsdato, vilkårlig CVC)", "Testkort i sandlådan (framtida giltighetstid, valfri CVC)", "Testkort i sandkassen (fremtidig udløbsdato, vilkårlig CVC)", "Sandbox-Testkarten (beliebiges künftiges Ablaufdatum, beliebige CVC)"},
	"sandbox.approved": {"approved", "godkjent", "godkänt", "godkendt", "genehmigt"},
	"sandbox.declined": {"declined", "avvist", "nekat", "afvist", "abgelehnt"},
	"sandbox.nofunds":  {"insufficient funds", "ikke dekning", "saknar täckning", "ikke dækning", "nicht gedeckt"},
	"sandbox.badge":    {"Sandbox", "Sandkasse", "Sandlåda", "Sandkasse", "Sandbox"},
	"wallet.title":     {"Pay with %s", "Betal med %s", "Betala med %s", "Betal med %s", "Mit %s bezahlen"},
	"wallet.continue":  {"Continue to %s", "Fortsett til %s", "Fortsätt till %s", "Fortsæt til %s", "Weiter zu %s"},
	"wallet.sandbox": {"Sandbox %s: approve or decline the payment of %s to %s.",
		"Sandkasse-%s: godkjenn eller avvis betalingen på %s til %s.",
		"Sandlåda-%s: godkänn eller neka betalningen på %s till %s.",
		"Sandkasse-%s: godkend eller afvis betalingen på %s til %s.",
		"Sandbox-%s: Zahlung von %s an %s genehmigen oder ablehnen."},
	"wallet.approve":      {"Approve", "Godkjenn", "Godkänn", "Godkend", "Genehmigen"},
	"wallet.decline":      {"Decline", "Avvis", "Neka", "Afvis", "Ablehnen"},
	"bankid.title":        {"Identify with BankID", "Identifiser deg med BankID", "Identifiera dig med BankID", "Identificer dig med BankID", "Mit BankID identifizieren"},
	"bankid.sandbox":      {"Sandbox BankID: any 11-digit personal number is accepted.", "Sandkasse-BankID: alle fødselsnumre med 11 sifre godtas.", "Sandlåda-BankID: alla personnummer med 11 siffror godtas.", "Sandkasse-BankID: alle personnumre med 11 cifre accepteres.", "Sandbox-BankID: Jede 11-stellige Personennummer wird akzeptiert."},
	"bankid.pn":           {"Personal number (11 digits)", "Fødselsnummer (11 sifre)", "Personnummer (11 siffror)", "Personnummer (11 cifre)", "Personennummer (11 Ziffern)"},
	"bankid.submit":       {"Identify", "Identifiser", "Identifiera", "Identificer", "Identifizieren"},
	"bankid.cancel":       {"Cancel", "Avbryt", "Avbryt", "Annuller", "Abbrechen"},
	"bankid.failed.title": {"BankID identification not completed", "BankID-identifiseringen ble ikke fullført", "BankID-identifieringen slutfördes inte", "BankID-identifikationen blev ikke gennemført", "BankID-Identifizierung nicht abgeschlossen"},
	"bankid.failed":       {"You were not identified. Check the personal number and try again.", "Du ble ikke identifisert. Kontroller fødselsnummeret og prøv igjen.", "Du identifierades inte. Kontrollera personnumret och försök igen.", "Du blev ikke identificeret. Kontrollér personnummeret og prøv igen.", "Sie wurden nicht identifiziert. Prüfen Sie die Personennummer und versuchen Sie es erneut."},
	"bankid.mismatch":     {"The person identified is not the customer on this order.", "Personen som ble identifisert er ikke kunden på denne ordren.", "Personen som identifierades är inte kunden på den här ordern.", "Den identificerede person er ikke kunden på denne ordre.", "Die identifizierte Person ist nicht der Kunde dieser Bestellung."},
	"retry":               {"Try again", "Prøv igjen", "Försök igen", "Prøv igen", "Erneut versuchen"},
	"invoice.agreement":   {"Invoice agreement", "Fakturaavtale", "Fakturaavtal", "Fakturaaftale", "Rechnungsvereinbarung"},
	"invoice.identified":  {"Identified with BankID as %s.", "Identifisert med BankID som %s.", "Identifierad med BankID som %s.", "Identificeret med BankID som %s.", "Mit BankID identifiziert als %s."},
	"invoice.terms": {"I agree to pay %s to %s by invoice, due %d days after the invoice date.",
		"Jeg godtar å betale %s til %s mot faktura med forfall %d dager etter fakturadato.",
		"Jag godkänner att betala %s till %s mot faktura, förfallodag %d dagar efter fakturadatum.",
		"Jeg accepterer at betale %s til %s mod faktura med forfald %d dage efter fakturadato.",
		"Ich verpflichte mich, %s an %s auf Rechnung zu zahlen, fällig %d Tage nach Rechnungsdatum."},
	"invoice.sign":      {"Sign the agreement", "Signer avtalen", "Signera avtalet", "Underskriv aftalen", "Vereinbarung unterschreiben"},
	"invoice.corporate": {"The invoice is sent to %s, organization number %s.", "Fakturaen sendes til %s, organisasjonsnummer %s.", "Fakturan skickas till %s, organisationsnummer %s.", "Fakturaen sendes til %s, CVR/organisationsnummer %s.", "Die Rechnung geht an %s, Organisationsnummer %s."},
	"invoice.confirm":   {"Pay Now", "Betal nå", "Betala nu", "Betal nu", "Jetzt bezahlen"},
	"credit.title":      {"Invoice not available", "Faktura er ikke tilgjengelig", "Faktura är inte tillgänglig", "Faktura er ikke tilgængelig", "Rechnung nicht verfügbar"},
	"credit.refused": {"We cannot offer you payment by invoice for this order. Please choose another payment method.",
		"Vi kan dessverre ikke tilby deg faktura for denne ordren. Velg en annen betalingsmåte.",
		"Vi kan tyvärr inte erbjuda dig faktura för den här ordern. Välj ett annat betalsätt.",
		"Vi kan desværre ikke tilbyde dig faktura på denne ordre. Vælg en anden betalingsmetode.",
		"Wir können Ihnen für diese Bestellung leider keinen Kauf auf Rechnung anbieten. Bitte wählen Sie eine andere Zahlungsart."},
	"credit.unavailable": {"Your credit information could not be retrieved, so we cannot offer payment by invoice right now. Please choose another payment method.",
		"Kredittopplysningene dine kunne ikke hentes, så vi kan ikke tilby faktura nå. Velg en annen betalingsmåte.",
		"Din kreditupplysning kunde inte hämtas, så vi kan inte erbjuda faktura just nu. Välj ett annat betalsätt.",
		"Dine kreditoplysninger kunne ikke hentes, så vi kan ikke tilbyde faktura lige nu. Vælg en anden betalingsmetode.",
		"Ihre Bonitätsauskunft konnte nicht abgerufen werden, daher ist Kauf auf Rechnung gerade nicht möglich. Bitte wählen Sie eine andere Zahlungsart."},
	"success.title":      {"Thank you!", "Takk!", "Tack!", "Tak!", "Vielen Dank!"},
	"success.paid":       {"Your payment of %s to %s has been received.", "Betalingen din på %s til %s er mottatt.", "Din betalning på %s till %s har tagits emot.", "Din betaling på %s til %s er modtaget.", "Ihre Zahlung von %s an %s ist eingegangen."},
	"success.authorized": {"Your payment of %s to %s has been approved.", "Betalingen din på %s til %s er godkjent.", "Din betalning på %s till %s har godkänts.", "Din betaling på %s til %s er godkendt.", "Ihre Zahlung von %s an %s wurde genehmigt."},
	"success.invoiced":   {"Your order of %s has been invoiced. The invoice comes from %s.", "Ordren din på %s er fakturert. Fakturaen kommer fra %s.", "Din order på %s har fakturerats. Fakturan kommer från %s.", "Din ordre på %s er faktureret. Fakturaen kommer fra %s.", "Ihre Bestellung über %s wurde in Rechnung gestellt. Die Rechnung kommt von %s."},
	"success.invoiceNo":  {"Invoice number", "Fakturanummer", "Fakturanummer", "Fakturanummer", "Rechnungsnummer"},
	"success.kid":        {"KID", "KID", "KID (OCR)", "KID", "KID (Referenz)"},
	"success.dueDate":    {"Due date", "Forfallsdato", "Förfallodag", "Forfaldsdato", "Fällig am"},
	"back":               {"Back To Site", "Tilbake til butikken", "Tillbaka till butiken", "Tilbage til butikken", "Zurück zum Shop"},
	"success.redirect":   {"You will be taken back in 5 seconds.", "Du sendes tilbake om 5 sekunder.", "Du skickas tillbaka om 5 sekunder.", "Du sendes tilbage om 5 sekunder.", "Sie werden in 5 Sekunden zurückgeleitet."},
	"close":              {"You can close this window.", "Du kan lukke dette vinduet.", "Du kan stänga det här fönstret.", "Du kan lukke dette vindue.", "Sie können dieses Fenster schließen."},
	"failure.title":      {"Payment not completed", "Betalingen ble ikke fullført", "Betalningen slutfördes inte", "Betalingen blev ikke gennemført", "Zahlung nicht abgeschlossen"},
	"failure.text":       {"The payment was declined and nothing was charged.", "Betalingen ble avvist, og ingenting ble trukket.", "Betalningen nekades och inget drogs.", "Betalingen blev afvist, og intet blev trukket.", "Die Zahlung wurde abgelehnt, es wurde nichts belastet."},
	"expired.title":      {"This payment link has expired", "Denne betalingslenken er utløpt", "Den här betalningslänken har gått ut", "Dette betalingslink er udløbet", "Dieser Zahlungslink ist abgelaufen"},
	"expired.text":       {"Contact %s for a new payment link.", "Kontakt %s for å få en ny betalingslenke.", "Kontakta %s för en ny betalningslänk.", "Kontakt %s for at få et nyt betalingslink.", "Wenden Sie sich an %s, um einen neuen Zahlungslink zu erhalten."},
	"cancelled.title":    {"This order has been cancelled", "Denne ordren er kansellert", "Den här ordern har avbrutits", "Denne ordre er annulleret", "Diese Bestellung wurde storniert"},
	"cancelled.text":     {"It can no longer be paid. Contact %s if you have questions.", "Den kan ikke lenger betales. Kontakt %s hvis du har spørsmål.", "Den kan inte längre betalas. Kontakta %s om du har frågor.", "Den kan ikke længere betales. Kontakt %s, hvis du har spørgsmål.", "Sie kann nicht mehr bezahlt werden. Wenden Sie sich bei Fragen an %s."},
	"notfound.title":     {"Order not found", "Fant ikke ordren", "Ordern hittades inte", "Ordren blev ikke fundet", "Bestellung nicht gefunden"},
	"notfound.text":      {"Check that you opened the whole link.", "Kontroller at du åpnet hele lenken.", "Kontrollera att du öppnade hela länken.", "Kontrollér, at du åbnede hele linket.", "Prüfen Sie, ob Sie den vollständigen Link geöffnet haben."},
	"method.unavailable": {"This payment method is not available for this order.", "Denne betalingsmåten er ikke tilgjengelig for denne ordren.", "Det här betalsättet är inte tillgängligt för den här ordern.", "Denne betalingsmetode er ikke tilgængelig for denne ordre.", "Diese Zahlungsart ist für diese Bestellung nicht verfügbar."},
	"progress.title":     {"Payment in progress", "Betaling pågår", "Betalning pågår", "Betaling i gang", "Zahlung läuft"},
	"progress.text":      {"A payment for this order is being processed in another window. Wait a moment and reload this page.", "En betaling for denne ordren behandles i et annet vindu. Vent litt og last inn siden på nytt.", "En betalning för den här ordern behandlas i ett annat fönster. Vänta en stund och ladda om sidan.", "En betaling for denne ordre behandles i et andet vindue. Vent lidt, og genindlæs siden.", "Eine Zahlung für diese Bestellung wird in einem anderen Fenster verarbeitet. Warten Sie kurz und laden Sie die Seite neu."},
	"unavailable.title":  {"Temporarily unavailable", "Midlertidig utilgjengelig", "Tillfälligt otillgänglig", "Midlertidigt utilgængelig", "Vorübergehend nicht verfügbar"},
	"unavailable.text":   {"The payment service could not be reached and nothing was charged. Please try again in a moment.", "Betalingstjenesten svarte ikke, og ingenting ble trukket. Prøv igjen om litt.", "Betaltjänsten svarade inte och inget drogs. Försök igen om en stund.", "Betalingstjenesten svarede ikke, og intet blev trukket. Prøv igen om lidt.", "Der Zahlungsdienst war nicht erreichbar, es wurde nichts belastet. Bitte versuchen Sie es gleich noch einmal."},
	"error.title":        {"Something went wrong", "Noe gikk galt", "Något gick fel", "Noget gik galt", "Etwas ist schiefgelaufen"},
	"error.text":         {"Please try again later.", "Prøv igjen senere.", "Försök igen senare.", "Prøv igen senere.", "Bitte versuchen Sie es später erneut."},
	"forbidden.title":    {"The form has expired", "Skjemaet er utløpt", "Formuläret har gått ut", "Formularen er udløbet", "Das Formular ist abgelaufen"},
	"forbidden.text":     {"Go back, reload the page and try again.", "Gå tilbake, last inn siden på nytt og prøv igjen.", "Gå tillbaka, ladda om sidan och försök igen.", "Gå tilbage, genindlæs siden, og prøv igen.", "Gehen Sie zurück, laden Sie die Seite neu und versuchen Sie es erneut."},
	"footer":             {"Secure payment", "Sikker betaling", "Säker betalning", "Sikker betaling", "Sichere Zahlung"},
}

// T translates key into l, formatting args into it.
func T(l, key string, args ...any) string {
	m, ok := messages[key]
	if !ok {
		return key
	}
	i := slices.Index(languages, lang(l))
	if len(args) == 0 {
		return m[i]
	}
	return fmt.Sprintf(m[i], args...)
}

// formatAmount writes an amount the way the language writes money: "NOK 1,234.50" in English,
// "1 234,50 NOK" in Norwegian and Swedish, "1.234,50 NOK" in Danish and German.
func formatAmount(l string, a money.Amount, currency string) string {
	s := a.String() // "-1234.50"
	neg := s[0] == '-'
	if neg {
		s = s[1:]
	}
	intPart, frac := s[:len(s)-3], s[len(s)-2:]
	group, dec := " ", ","
	switch lang(l) {
	case "en":
		group, dec = ",", "."
	case "da", "de":
		group = "."
	}
	var b []byte
	for i := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b = append(b, group...)
		}
		b = append(b, intPart[i])
	}
	num := string(b) + dec + frac
	if neg {
		num = "-" + num
	}
	if currency == "" {
		currency = "NOK"
	}
	if lang(l) == "en" {
		return currency + " " + num
	}
	return num + " " + currency
}

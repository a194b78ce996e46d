package org.trialfhir.mapping;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** ISO 3166 alpha-2 codes for the country names ClinicalTrials.gov uses. */
final class Countries {
  private static final Map<String, String> CODES = new HashMap<>();

  static {
    for (String code : Locale.getISOCountries()) {
      CODES.put(Ids.norm(new Locale("", code).getDisplayCountry(Locale.ENGLISH)), code);
    }
    // The registry's spellings that differ from the JDK's English names.
    String[][] aliases = {
      {"Korea, Republic of", "KR"},
      {"Korea, Democratic People's Republic of", "KP"},
      {"Iran, Islamic Republic of", "IR"},
      {"Russian Federation", "RU"},
      {"Viet Nam", "VN"},
      {"Czech Republic", "CZ"},
      {"Turkey", "TR"},
      {"Türkiye", "TR"},
      {"Moldova, Republic of", "MD"},
      {"Tanzania", "TZ"},
      {"Tanzania, United Republic of", "TZ"},
      {"Syrian Arab Republic", "SY"},
      {"Macedonia, The Former Yugoslav Republic of", "MK"},
      {"North Macedonia", "MK"},
      {"Bolivia", "BO"},
      {"Venezuela", "VE"},
      {"Congo, The Democratic Republic of the", "CD"},
      {"Congo", "CG"},
      {"Lao People's Democratic Republic", "LA"},
      {"Palestinian Territory, occupied", "PS"},
      {"Palestine, State of", "PS"},
      {"Côte D'Ivoire", "CI"},
      {"Cote D'Ivoire", "CI"},
      {"Hong Kong", "HK"},
      {"Macao", "MO"},
      {"Taiwan", "TW"},
      {"Brunei Darussalam", "BN"},
      {"Libyan Arab Jamahiriya", "LY"},
      {"Micronesia, Federated States of", "FM"},
      {"Holy See (Vatican City State)", "VA"},
      {"Virgin Islands (U.S.)", "VI"},
      {"Swaziland", "SZ"},
      {"Eswatini", "SZ"},
      {"Myanmar", "MM"},
    };
    for (String[] alias : aliases) {
      CODES.put(Ids.norm(alias[0]), alias[1]);
    }
  }

  private Countries() {}

  /** The ISO 3166-1 alpha-2 code of a country name, or null when unknown. */
  static String code(String name) {
    return name == null ? null : CODES.get(Ids.norm(name));
  }
}

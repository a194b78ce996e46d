package org.trialfhir.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.trialfhir.ctgov.Study;
import org.trialfhir.testing.SharedData;

/** Id normalisation: the ASCII fast path gives exactly what the Unicode path gives. */
class IdsTest {

  @Test
  void asciiPathMatchesUnicodePathOnEveryAsciiCharacterAndRandomText() {
    List<String> texts = new ArrayList<>();
    for (char c = 0; c < 0x80; c++) {
      texts.add(String.valueOf(c));
      texts.add("A" + c + "b");
      texts.add(c + "Zz9" + c + c);
    }
    Random random = new Random(7);
    for (int i = 0; i < 20_000; i++) {
      char[] chars = new char[random.nextInt(24)];
      for (int j = 0; j < chars.length; j++) {
        chars[j] = (char) random.nextInt(0x80);
      }
      texts.add(new String(chars));
    }
    for (String text : texts) {
      assertThat(Ids.normAscii(text)).as(text).isEqualTo(Ids.normUnicode(text));
    }
  }

  @Test
  void asciiPathMatchesUnicodePathOnEverySiteAndSponsorOfTheCorpus() {
    List<String> texts = new ArrayList<>();
    for (var file : SharedData.files("v2")) {
      Study study = SharedData.study(file);
      var sponsors = study.protocolSection().sponsorCollaboratorsModule();
      if (sponsors != null && sponsors.leadSponsor() != null) {
        texts.add(sponsors.leadSponsor().name());
      }
      var module = study.protocolSection().contactsLocationsModule();
      if (module != null && module.locations() != null) {
        for (Study.Site site : module.locations()) {
          Stream.of(site.facility(), site.city(), site.state(), site.zip(), site.country())
              .forEach(texts::add);
        }
      }
    }
    int ascii = 0;
    for (String text : texts) {
      if (text != null && text.chars().allMatch(c -> c < 0x80)) {
        ascii++;
        assertThat(Ids.norm(text)).as(text).isEqualTo(Ids.normUnicode(text));
      }
    }
    assertThat(ascii).isGreaterThan(1000);
  }

  @Test
  void normalisesAsBefore() {
    assertThat(Ids.norm("  Mayo Clinic -- Rochester, MN  ")).isEqualTo("mayo clinic rochester mn");
    assertThat(Ids.norm("Hôpital Saint-Éloi")).isEqualTo("hopital saint eloi");
    assertThat(Ids.norm("Ｆｕｌｌｗｉｄｔｈ ①")).isEqualTo("fullwidth 1");
    assertThat(Ids.norm(null)).isEmpty();
    assertThat(Ids.location("A", "B", null, "1", "C"))
        .isEqualTo(Ids.location("a", "b", "", "1", "c"));
  }
}

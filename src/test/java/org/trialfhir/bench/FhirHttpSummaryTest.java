package org.trialfhir.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The streaming check of answers: what the bench reads from each response's top level. */
class FhirHttpSummaryTest {

  private static FhirHttp.Summary summary(String json) throws IOException {
    return FhirHttp.Summary.of(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aSearchsetWithItsNextLink() throws IOException {
    FhirHttp.Summary summary =
        summary(
            "{\"resourceType\":\"Bundle\",\"id\":\"b1\",\"meta\":{\"tag\":[{\"code\":\"x\"}]},"
                + "\"type\":\"searchset\",\"total\":42,\"link\":[{\"relation\":\"self\",\"url\":\"s\"},"
                + "{\"relation\":\"next\",\"url\":\"http://h/fhir?_getpages=a%7Cb\"}],"
                + "\"entry\":[{\"resource\":{\"resourceType\":\"ResearchStudy\",\"type\":\"x\"}}]}");
    assertThat(summary.resourceType()).isEqualTo("Bundle");
    assertThat(summary.id()).isEqualTo("b1");
    assertThat(summary.bundleType()).isEqualTo("searchset");
    assertThat(summary.total()).isEqualTo(42);
    assertThat(summary.next()).isEqualTo("http://h/fhir?_getpages=a%7Cb");
    assertThat(summary.fields()).contains("entry", "link", "meta");
  }

  @Test
  void aResourceAndACdsAnswer() throws IOException {
    FhirHttp.Summary study =
        summary("{\"resourceType\":\"ResearchStudy\",\"id\":\"NCT1\",\"status\":\"active\"}");
    assertThat(study.resourceType()).isEqualTo("ResearchStudy");
    assertThat(study.next()).isNull();
    assertThat(summary("{\"cards\":[]}").fields()).containsExactly("cards");
  }

  /**
   * The head stops once a Bundle's type and links or a resource's id are known: a tail that is not
   * JSON at all is never reached; links after the entries are still found.
   */
  @Test
  void theHeadStopsBeforeTheEntries() throws IOException {
    String head =
        "{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"total\":3,"
            + "\"link\":[{\"relation\":\"next\",\"url\":\"n\"}],";
    FhirHttp.Summary bundle = FhirHttp.Summary.head(bytes(head + "\"entry\":[{\"resource\":@@@"));
    assertThat(bundle.bundleType()).isEqualTo("searchset");
    assertThat(bundle.total()).isEqualTo(3);
    assertThat(bundle.next()).isEqualTo("n");
    assertThat(bundle.fields()).doesNotContain("entry");
    assertThatThrownBy(() -> summary(head + "\"entry\":[{\"resource\":@@@"))
        .isInstanceOf(IOException.class);

    FhirHttp.Summary linksLast =
        FhirHttp.Summary.head(
            bytes(
                "{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"entry\":[{\"x\":1}],"
                    + "\"link\":[{\"relation\":\"next\",\"url\":\"n2\"}]}"));
    assertThat(linksLast.next()).isEqualTo("n2");
    assertThat(linksLast.fields()).contains("entry", "link");

    FhirHttp.Summary read =
        FhirHttp.Summary.head(bytes("{\"resourceType\":\"ResearchStudy\",\"id\":\"NCT1\",@@@"));
    assertThat(read.resourceType()).isEqualTo("ResearchStudy");
    assertThat(read.id()).isEqualTo("NCT1");
  }

  private static byte[] bytes(String json) {
    return json.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void notAJsonObjectIsAnError() {
    assertThatThrownBy(() -> summary("<html>oops</html>")).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> summary("[1,2]")).isInstanceOf(IOException.class);
  }
}

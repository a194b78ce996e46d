package org.trialfhir.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.StopFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.en.EnglishPossessiveFilter;
import org.apache.lucene.analysis.en.PorterStemFilter;
import org.apache.lucene.analysis.miscellaneous.ASCIIFoldingFilter;
import org.apache.lucene.analysis.standard.StandardTokenizer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;

/**
 * What a word is for {@code :text} and {@code _content}: Unicode word boundaries (UAX #29), English
 * possessives dropped, lower case, accents folded to ASCII, English stop words removed, then the
 * Porter stemmer ("cancers" and "cancer" are one word, as are "treated" and "treating").
 *
 * <p>Values of one field are kept {@link #VALUE_GAP} positions apart, so that "every word in one
 * value" can be asked of a multi-valued field.
 */
public final class TextAnalysis extends Analyzer {
  /** The position gap between two values of one field. */
  public static final int VALUE_GAP = 10_000;

  /** The shared instance (analyzers are thread-safe). */
  public static final TextAnalysis INSTANCE = new TextAnalysis();

  @Override
  protected TokenStreamComponents createComponents(String fieldName) {
    StandardTokenizer source = new StandardTokenizer();
    TokenStream stream = new EnglishPossessiveFilter(source);
    stream = new LowerCaseFilter(stream);
    stream = new ASCIIFoldingFilter(stream);
    stream = new StopFilter(stream, EnglishAnalyzer.ENGLISH_STOP_WORDS_SET);
    stream = new PorterStemFilter(stream);
    return new TokenStreamComponents(source, stream);
  }

  @Override
  public int getPositionIncrementGap(String fieldName) {
    return VALUE_GAP;
  }

  /** The distinct words of a text, analysed, in order of first occurrence. */
  public List<String> words(String text) {
    LinkedHashSet<String> words = new LinkedHashSet<>();
    try (TokenStream stream = tokenStream("", text)) {
      CharTermAttribute term = stream.addAttribute(CharTermAttribute.class);
      stream.reset();
      while (stream.incrementToken()) {
        words.add(term.toString());
      }
      stream.end();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new ArrayList<>(words);
  }
}

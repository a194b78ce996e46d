package org.trialfhir.cli;

public class TrialFhir {
  public static void main(String[] args) {}
}

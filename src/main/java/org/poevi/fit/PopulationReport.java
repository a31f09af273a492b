package org.poevi.fit;

/**
 * What a MALA population's burn-in did, for summary.json ({@link Population}).
 *
 * @param chains the chains
 * @param burnInSteps the burn-in steps until Stein's identity held
 * @param independenceProposals the independence steps' proposals (0: none)
 * @param independenceAcceptance the share of them accepted (NaN: none)
 * @param independenceStopped whether the independence steps stopped, accepting too few
 */
public record PopulationReport(int chains, int burnInSteps, long independenceProposals,
    double independenceAcceptance, boolean independenceStopped) {}

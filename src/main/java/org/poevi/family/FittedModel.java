package org.poevi.family;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.function.Function;

/**
 * A fitted variational model, as {@code model.json} holds it (SPEC §7): the product of experts
 * ({@link PoeModel}) or a baseline's Gaussian ({@link GaussianModel}). Both name their D
 * parameters (unconstrained scale) and write themselves as JSON; code that needs the family's
 * own operations (its sampler, its normaliser) chooses with {@link #match}, which the compiler
 * keeps exhaustive.
 */
public sealed interface FittedModel permits PoeModel, GaussianModel {
  /** Names of the D parameters, in order. */
  List<String> parameters();

  /** D. */
  int dim();

  /** model.json's {@code "family"}: {@value ModelJson#FAMILY} or {@value ModelJson#GAUSSIAN}. */
  String familyName();

  /** model.json's tree, fields in the documented order. */
  ObjectNode toJson();

  /** {@code poe} of a product of experts, {@code gaussian} of a Gaussian. */
  <R> R match(Function<PoeModel, R> poe, Function<GaussianModel, R> gaussian);
}

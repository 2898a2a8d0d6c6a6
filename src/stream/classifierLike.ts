import type { Classifier } from '../model/classifier';

/**
 * What the engine needs of a classifier. `Classifier` satisfies it; the shape (rather than the
 * class, whose constructor is private) lets tests script probabilities for the state machine.
 */
export type ClassifierLike = Pick<Classifier, 'classify' | 'classifyBatch'> & {
  readonly meta: Pick<Classifier['meta'], 'modelId' | 'embeddingDim' | 'featureConfig'>;
};

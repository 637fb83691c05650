//! Training and evaluation of the model heads on labelled JSONL (native only: the CLI's `train`
//! and `eval` commands).
//!
//! Every data set in `../shared/data` is described by a [`DatasetSpec`](crate::train::DatasetSpec): which label field, which
//! heads its rows teach (and the category each head gives evidence for), and how its paper scores
//! a classifier. Evaluation is stratified k-fold cross-validation: for each fold of a data set,
//! the heads are trained on the other folds plus every other data set that teaches them, and
//! scored on the held-out fold with a threshold chosen on the *other* folds' out-of-fold
//! predictions (so the threshold never sees the fold it is scored on). Training is deterministic:
//! same files, same options, same bytes.
//!
//! ```text
//! datasets.rs  the data-set registry (DATASETS, HEADS), reading rows ─┐
//! sgd.rs       fitting one head, its lexicon prior, prune, quantise   │
//! metrics.rs   scores, thresholds, stratified folds                   ├─ cv.rs: cross-validation,
//! shift.rs     the topic-shift probe (a Shift's lexicon prior)        │  stacking, train_model
//! evaluate.rs  the shipped model on withheld files; landings ─────────┘
//! verdicts.rs  the whole verdict on taxonomy-labelled files and the public sets
//! ```

mod cv;
mod decision;
mod datasets;
mod evaluate;
mod metrics;
mod sgd;
mod shift;
mod verdicts;

pub use cv::{aux_index, cross_validate, cross_validate_all, train_model, Corpora, CvResult, AUX_SCALE, STACK_MARGIN};
pub use datasets::{head_target, load, spec, spec_for_file, teacher, Corpus, DatasetSpec, Decision, Example, HeadSpec, Shift, DATASETS, HEADS};
pub use decision::{accuracy_and_macro_f1, cross_validate as cross_validate_decision, decision_file, decision_rows, fit as fit_decision, predict as predict_decision, DecisionOptions, DecisionRows, Fitted};
pub use evaluate::{evaluate_file, landings, FileScore, Landing};
pub use metrics::{best_thresholds, decide, score, stratified_folds, Metric};
pub use sgd::{prune, quantise, train_dense, TrainOptions, LEVELS, PRUNE};
pub use shift::{shift_probe, ShiftProbe};
pub use verdicts::{score_file, FileVerdicts, PerCategoryScore, PublicScore, Slice, TaxonomyScore};

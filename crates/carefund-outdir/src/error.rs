//! Why an output directory or file was not written.

use std::io;
use std::path::{Path, PathBuf};

/// Why [`commit`](super::commit) or [`commit_file`](super::commit_file) wrote nothing
/// (or, for [`WriteError::Partly`], not everything).
///
/// The messages name places, never a command's options: a front end says which of its
/// options named the place (the `carefund` command prefixes `--out` to
/// [`WriteError::names_the_place`] errors).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WriteError {
    /// The output directory named is a regular file.
    #[error("{}: is a file; give a directory for the outputs", dir.display())]
    IsAFile {
        /// The place named for the outputs.
        dir: PathBuf,
    },
    /// A directory above the output directory is a regular file.
    #[error("{}: cannot create this directory because {} is a file", dir.display(), file.display())]
    UnderAFile {
        /// The place named for the outputs.
        dir: PathBuf,
        /// The file in the way.
        file: PathBuf,
    },
    /// The output directory is the current directory or one above it. The directory is
    /// replaced as a whole, which would pull the current directory from under the
    /// caller.
    #[error(
        "{}: is the current directory or contains it; the output directory is replaced as a whole, so give a directory of its own, such as {}",
        dir.display(),
        dir.join("carefund-out").display()
    )]
    HoldsCurrentDir {
        /// The place named for the outputs.
        dir: PathBuf,
    },
    /// Two files of one commit would be written under one name (a report placed in the
    /// output directory under the name of an output).
    #[error("{}: two outputs of this command would be written to the same file; choose another report name", path.display())]
    SameName {
        /// The file both would be.
        path: PathBuf,
    },
    /// A single file is to be written where a directory is.
    #[error("{}: is a directory; expected a file name", path.display())]
    IsADirectory {
        /// The file's path.
        path: PathBuf,
    },
    /// The earlier outputs hold a directory under the name of a new output.
    #[error("cannot replace {}: it is a directory, not an earlier output", path.display())]
    NotAnOutput {
        /// The directory in the way.
        path: PathBuf,
    },
    /// The file system refused: `what` was being done to `path`.
    #[error("{what} {}", path.display())]
    Io {
        /// What was being done ("cannot write", "cannot create" …).
        what: &'static str,
        /// Where.
        path: PathBuf,
        /// The system's error.
        source: io::Error,
    },
    /// A file's contents could not be rendered while it was written.
    #[error("cannot write {}", path.display())]
    Render {
        /// The file being written.
        path: PathBuf,
        /// What its writer returned.
        source: Box<carefund::Error>,
    },
    /// Nothing was written to `dir`: everything is as it was. The source says why.
    #[error("nothing was written to {}", dir.display())]
    NothingWritten {
        /// The output directory.
        dir: PathBuf,
        /// Why.
        source: Box<WriteError>,
    },
    /// The output directory was committed, but files placed outside it were not all
    /// moved into place.
    #[error(
        "wrote {}{}, but not {} ({error})",
        dir.display(),
        written.iter().map(|w| format!(" and {}", w.display())).collect::<String>(),
        missing.iter().map(|m| m.display().to_string()).collect::<Vec<_>>().join(" nor ")
    )]
    Partly {
        /// The output directory (written).
        dir: PathBuf,
        /// The files outside it that were written.
        written: Vec<PathBuf>,
        /// The files outside it that were not.
        missing: Vec<PathBuf>,
        /// Why the first of `missing` was not.
        error: io::Error,
    },
}

impl WriteError {
    /// Whether the error is about the place the caller named for the outputs (it is a
    /// file, lies under one, or holds the current directory): a front end names the
    /// option that gave it.
    pub fn names_the_place(&self) -> bool {
        matches!(
            self,
            WriteError::IsAFile { .. }
                | WriteError::UnderAFile { .. }
                | WriteError::HoldsCurrentDir { .. }
        )
    }

    /// Whether the caller's choice of place is at fault (rather than the file system):
    /// [`names_the_place`](Self::names_the_place), two files under one name, or a
    /// directory where a file is to go.
    pub fn is_bad_place(&self) -> bool {
        self.names_the_place()
            || matches!(
                self,
                WriteError::SameName { .. } | WriteError::IsADirectory { .. }
            )
    }

    /// The innermost error of a [`WriteError::NothingWritten`] (itself otherwise).
    pub fn cause(&self) -> &WriteError {
        match self {
            WriteError::NothingWritten { source, .. } => source.cause(),
            other => other,
        }
    }
}

/// `what` failed on `path` with `source`.
pub(super) fn io_error(
    what: &'static str,
    path: &Path,
) -> impl FnOnce(io::Error) -> WriteError + use<> {
    let path = path.to_path_buf();
    move |source| WriteError::Io { what, path, source }
}

/// `source`, saying that nothing was written to `dir`.
pub(super) fn nothing_written(dir: &Path, source: WriteError) -> WriteError {
    WriteError::NothingWritten {
        dir: dir.to_path_buf(),
        source: Box::new(source),
    }
}

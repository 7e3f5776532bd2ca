// Placeholder: the shared test helpers land here.

export * from './ports';
export * from './repository-options';
export * from './iti-41-provide-and-register/repository-part';
export * from './iti-41-provide-and-register/provide-and-register-document-set';
export * from './iti-43-retrieve-document-set/retrieve-document-set';
export * from './iti-65-provide-document-bundle/provide-document-bundle';
export * from './iti-68-retrieve-document/retrieve-document';
export * from './document-repository.module';

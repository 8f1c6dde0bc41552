import { aHospitalSystem, aMedecin, thePatientOf, aPatient } from '@passerelle/testing';
import { auditedPrincipal } from './audit-record';

describe('auditedPrincipal', () => {
  it('keeps the reason of an emergency access, for the patient’s access history', () => {
    const emergency = {
      purposeOfUse: 'bris_de_glace' as const,
      accessReason: 'Patient inconscient',
    };
    expect(auditedPrincipal(aMedecin(emergency))).toMatchObject(emergency);
    expect(auditedPrincipal(aHospitalSystem(emergency))).toMatchObject(emergency);
  });

  it('has no reason when the access gave none', () => {
    expect(auditedPrincipal(aMedecin())).not.toHaveProperty('accessReason');
    expect(auditedPrincipal(thePatientOf(aPatient()))).not.toHaveProperty('accessReason');
  });
});

import { CENTRE_KIND_LABELS, SERVICE_KIND_LABELS, type Centre, type CentreClosure, type ServiceItem, type ServicePrice } from '../../../entities';
import type { CentreRecord, ClosureView, PriceFrom, ServiceItemRecord } from '../../contracts/catalogue-registry';

export function centreRecord(c: Centre): CentreRecord {
  return {
    id: c.id,
    name: c.name,
    kind: c.kind,
    kindLabel: CENTRE_KIND_LABELS[c.kind],
    parentId: c.parentId,
    regionId: c.regionId,
    regionPath: c.regionPath,
    address: c.address,
    latitude: c.latitude,
    longitude: c.longitude,
    opensAt: c.opensAt,
    closesAt: c.closesAt,
    phone: c.phone,
    autoConfirm: c.autoConfirm,
    counterPayment: c.counterPayment,
    deliveryArea: { communityIds: c.deliveryCommunityIds.map(Number), radiusMetres: c.deliveryRadiusMetres },
    active: c.active,
    version: c.version,
    createdAt: c.createdAt.toISOString(),
  };
}

export function serviceItemRecord(i: ServiceItem, price: PriceFrom, next: ServicePrice | undefined): ServiceItemRecord {
  return {
    id: i.id,
    centreId: i.centreId,
    category: i.category,
    kind: i.kind,
    kindLabel: SERVICE_KIND_LABELS[i.kind],
    name: i.name,
    description: i.description,
    price,
    nextPrice: next ? { priceFen: next.priceFen, validFrom: next.validFrom } : null,
    deliveryModes: [...i.deliveryModes],
    maxQuantity: i.maxQuantity,
    active: i.active,
    version: i.version,
  };
}

export function closureView(c: CentreClosure): ClosureView {
  return {
    id: c.id,
    centreId: c.centreId,
    date: c.date,
    serviceItemIds: c.serviceItemIds.map(Number),
    reason: c.reason,
    active: c.active,
    createdAt: c.createdAt.toISOString(),
    liftedAt: c.liftedAt ? c.liftedAt.toISOString() : null,
  };
}
